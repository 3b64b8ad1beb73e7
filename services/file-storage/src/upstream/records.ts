import { AppError } from "@vextrus/platform";
import { z } from "zod";

/** The records a file may be attached to, by owning service (as the gateway names it). */
export const Entity = z.discriminatedUnion("service", [
  z.object({
    service: z.literal("organization"),
    type: z.enum(["company", "branch", "department"]),
    id: z.uuid(),
  }),
  z.object({ service: z.literal("workflow"), type: z.enum(["process"]), id: z.uuid() }),
]);
export type Entity = z.infer<typeof Entity>;

/** The procedure of the owning service that answers a record to those who may read it. */
const READ_PATH: Record<string, string> = {
  "organization.company": "companies.get",
  "organization.branch": "branches.get",
  "organization.department": "departments.get",
  "workflow.process": "processes.get",
};

export interface Caller {
  tenantId: string;
  userId: string;
  authorization: string | undefined;
  requestId: string;
}

export interface RecordAccess {
  /** Whether the caller may read the record (its owner says so, with the caller's own token). */
  canRead(caller: Caller, entity: Entity): Promise<boolean>;
}

export interface RecordAccessOptions {
  /** Owning service → base URL (`http://127.0.0.1:3004`). */
  urls: Readonly<Record<Entity["service"], string>>;
  timeoutMs: number;
  /** How long an answer is reused for the same user and record. */
  cacheMs: number;
  now: () => Date;
  /** Tests and the embedded start may pass an in-process fetch. */
  fetch?: typeof fetch;
}

const REFUSALS = new Set(["NOT_FOUND", "FORBIDDEN", "UNAUTHORIZED", "BAD_REQUEST"]);
const MAX_CACHED = 10_000;

const unavailable = (service: string) =>
  new AppError("UNAVAILABLE", "files.upstream.unavailable", {
    en: `${service} is not answering, so access to the file cannot be decided; try again shortly`,
    bn: `${service} সাড়া দিচ্ছে না, তাই ফাইলটিতে প্রবেশাধিকার ঠিক করা যাচ্ছে না; একটু পরে আবার চেষ্টা করুন`,
  });

/**
 * Asks the owning service's `<entities>.get` as the caller (their token, their request id): an
 * answer means yes; NOT_FOUND, FORBIDDEN or UNAUTHORIZED mean no. Answers are kept `cacheMs` per
 * tenant, user and record. Anything else (a timeout, a 5xx) is UNAVAILABLE, never a yes.
 */
export function recordAccess(options: RecordAccessOptions): RecordAccess {
  const cache = new Map<string, { allowed: boolean; until: number }>();
  const fetchImpl = options.fetch ?? fetch;

  async function ask(caller: Caller, entity: Entity): Promise<boolean> {
    const path = READ_PATH[`${entity.service}.${entity.type}`];
    const base = options.urls[entity.service];
    if (!path || !base) {
      return false;
    }
    const input = encodeURIComponent(JSON.stringify({ json: { id: entity.id } }));
    let res: Response;
    try {
      res = await fetchImpl(`${base.replace(/\/+$/, "")}/trpc/${path}?input=${input}`, {
        headers: {
          "x-request-id": caller.requestId,
          ...(caller.authorization ? { authorization: caller.authorization } : {}),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw unavailable(entity.service);
    }
    const body = (await res.json().catch(() => undefined)) as
      | { result?: unknown; error?: { json?: { data?: { code?: string } } } }
      | undefined;
    if (res.ok && body?.result !== undefined) {
      return true;
    }
    const code = body?.error?.json?.data?.code;
    if (code && REFUSALS.has(code)) {
      return false;
    }
    throw unavailable(entity.service);
  }

  return {
    async canRead(caller, entity) {
      const key = `${caller.tenantId}:${caller.userId}:${entity.service}.${entity.type}:${entity.id}`;
      const now = options.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) {
        return hit.allowed;
      }
      const allowed = await ask(caller, entity);
      if (cache.size >= MAX_CACHED) {
        // Oldest first: a Map iterates in insertion order.
        for (const old of [...cache.keys()].slice(0, MAX_CACHED / 10)) {
          cache.delete(old);
        }
      }
      cache.set(key, { allowed, until: now + options.cacheMs });
      return allowed;
    },
  };
}
