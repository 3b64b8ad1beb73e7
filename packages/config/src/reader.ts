import type { Transport } from "@vextrus/events";
import {
  type CallContext,
  createServiceClient,
  defaultReplicaId,
  type Fetch,
  type Logger,
} from "@vextrus/platform";
import { z } from "zod";
import type { ConfigKey, ValueOf } from "./registry.ts";

/** A context a resolution is for (the narrower, the more specific the answer). */
export interface ReadScope {
  companyId?: string | undefined;
  branchId?: string | undefined;
  departmentId?: string | undefined;
  userId?: string | undefined;
}

/** A read on behalf of a request: its tenant, token (forwarded), request id, and the scope asked about. */
export interface ReadCall extends CallContext {
  tenantId: string;
  scope?: ReadScope | undefined;
}

export interface ConfigReaderOptions {
  /** The configuration service's base URL. */
  url: string;
  /** The reading service's name (its change subscription is `<service>.config-cache.<replica>`). */
  service: string;
  log: Logger;
  timeoutMs?: number;
  fetch?: Fetch | undefined;
  /** Where change events arrive; without one, cached answers hold until their `validUntil` only. */
  transport?: Transport | undefined;
  /**
   * This replica's id, stable across its restarts and unique among replicas (default: the host name):
   * it names the replica's consumer group, so a restart rejoins it instead of leaving one behind.
   */
  replicaId?: string | undefined;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

const CHANGE_TOPICS = ["vextrus.config.setting", "vextrus.config.feature_flag"];
const PLATFORM_TENANT_ID = "00000000-0000-0000-0000-000000000000";

/** The slice of `config.resolve` the reader relies on. */
const Answer = z.object({
  key: z.string(),
  value: z.unknown(),
  source: z.looseObject({ level: z.string() }),
  validUntil: z.date().nullable(),
});
type Answer = z.infer<typeof Answer>;

interface Entry {
  answer: Answer;
  /** Until when it may be answered without asking (ms), or null for "until a change event". */
  until: number | null;
  stale: boolean;
}

/**
 * The cache: a tree tenant → key → company → branch → department → user ("" where the scope names
 * none). Looking up existing strings level by level allocates nothing, unlike building one key string
 * per read; a change event marks a tenant's (or every tenant's) subtree of one key stale.
 */
class CacheNode {
  entry: Entry | undefined;
  private readonly next = new Map<string, CacheNode>();

  find(part: string): CacheNode | undefined {
    return this.next.get(part);
  }

  children(): IterableIterator<CacheNode> {
    return this.next.values();
  }

  /** The node at `path`, created on the way. */
  at(path: readonly string[]): CacheNode {
    let node: CacheNode = this;
    for (const part of path) {
      let child = node.next.get(part);
      if (!child) {
        child = new CacheNode();
        node.next.set(part, child);
      }
      node = child;
    }
    return node;
  }

  markStale() {
    if (this.entry) {
      this.entry.stale = true;
    }
    for (const child of this.next.values()) {
      child.markStale();
    }
  }
}

const ChangeEvent = z.looseObject({ tenantid: z.string(), data: z.looseObject({ key: z.string() }) });

function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return null;
  }
}

/**
 * Resolves configuration keys for a service, with a per-replica cache: an answer is kept until a
 * change event for its tenant and key (or any platform change of the key) arrives, or until its
 * `validUntil` passes. While the configuration service cannot be reached, the last known answer is
 * served (stale answers included); with nothing cached, the call is UNAVAILABLE.
 */
export function createConfigReader(options: ConfigReaderOptions) {
  const client = createServiceClient({
    service: "configuration",
    url: options.url,
    timeoutMs: options.timeoutMs ?? 2_000,
    fetch: options.fetch,
  });
  const now = options.now ?? Date.now;
  const cache = new CacheNode();
  const inflight = new Map<string, Promise<Answer>>();
  let subscription: { stop(): Promise<void> } | undefined;

  async function fetchAnswer(path: string[], key: string, call: ReadCall): Promise<Answer> {
    const answer = await client.query("resolve", { key, scope: call.scope ?? {} }, Answer, call);
    cache.at(path).entry = { answer, until: answer.validUntil?.getTime() ?? null, stale: false };
    return answer;
  }

  async function refresh(
    path: string[],
    key: string,
    call: ReadCall,
    entry: Entry | undefined,
  ): Promise<Answer> {
    const id = path.join("|");
    let pending = inflight.get(id);
    if (!pending) {
      pending = fetchAnswer(path, key, call).finally(() => inflight.delete(id));
      inflight.set(id, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (entry) {
        options.log.warn("configuration unreachable: serving the last known value", {
          key,
          error: String(error),
        });
        return entry.answer;
      }
      throw error;
    }
  }

  /**
   * The whole answer (value, source, validUntil) for `key`: synchronously from the cache when it
   * holds a fresh one (six Map lookups, nothing allocated), else a promise of the service's answer.
   */
  function resolve(key: ConfigKey, call: ReadCall): Answer | Promise<Answer> {
    const s = call.scope;
    const entry = cache
      .find(call.tenantId)
      ?.find(key)
      ?.find(s?.companyId ?? "")
      ?.find(s?.branchId ?? "")
      ?.find(s?.departmentId ?? "")
      ?.find(s?.userId ?? "")?.entry;
    if (entry && !entry.stale && (entry.until === null || now() < entry.until)) {
      return entry.answer;
    }
    const path = [
      call.tenantId,
      key,
      s?.companyId ?? "",
      s?.branchId ?? "",
      s?.departmentId ?? "",
      s?.userId ?? "",
    ];
    return refresh(path, key, call, entry);
  }

  /** Marks cached answers of `key` stale: the tenant's, or every tenant's for a platform change. */
  function invalidate(tenantId: string, key: string) {
    const tenants = tenantId === PLATFORM_TENANT_ID ? [...cache.children()] : [cache.find(tenantId)];
    for (const tenant of tenants) {
      tenant?.find(key)?.markStale();
    }
  }

  return {
    resolve,
    /** The value of `key` for the call's tenant and scope, typed by its definition. */
    async get<K extends ConfigKey>(key: K, call: ReadCall): Promise<ValueOf<K>> {
      return (await resolve(key, call)).value as ValueOf<K>;
    },
    invalidate,
    /** Subscribes this replica to change events. */
    async start() {
      if (!options.transport) {
        return;
      }
      subscription = await options.transport.subscribe({
        // A group per replica, so every replica hears every change; it starts at the latest offset (the
        // cache starts empty: history has nothing to invalidate). The in-process bus has one replica.
        group:
          options.transport.kind === "kafka"
            ? `${options.service}.config-cache.${options.replicaId ?? defaultReplicaId()}`
            : `${options.service}.config-cache`,
        startAt: "latest",
        topics: CHANGE_TOPICS,
        onBatch: async (messages) => {
          for (const message of messages) {
            const parsed = ChangeEvent.safeParse(parseJson(message.value));
            if (parsed.success) {
              invalidate(parsed.data.tenantid, parsed.data.data.key);
            }
          }
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}

export type ConfigReader = ReturnType<typeof createConfigReader>;
