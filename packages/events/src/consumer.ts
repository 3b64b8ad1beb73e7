import type { Logger } from "@vextrus/platform";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { definitionOf, dlqOf, type EventData, type EventType } from "./catalog.ts";
import { CloudEvent } from "./envelope.ts";
import { backoffMs, describeError, isInfrastructureError, sleep } from "./errors.ts";
import { eventMetrics, type MetricRegistry } from "./metrics.ts";
import type { InboxTable } from "./outbox.ts";
import type { BatchControl, DeliveredMessage, Publisher, Transport } from "./transport.ts";

export interface HandlerContext {
  /** The tenant transaction (app role, row-level security on): the inbox rows commit with it. */
  tx: Tx;
  tenantId: string;
  /**
   * Events of this tenant in delivery order: with an inbox, only those this consumer has not applied
   * yet; without one, all of them (the handler skips what it has seen).
   */
  events: readonly CloudEvent[];
  log: Logger;
}

/** Applies events of one tenant inside one transaction; throwing rolls all of them back. */
export type BatchHandler = (ctx: HandlerContext) => Promise<void>;

/**
 * For a handler whose own rows are keyed by event id (the audit log): it skips events it has
 * recorded before and returns the ids it applied now, so no inbox row is needed.
 */
export type DedupingBatchHandler = (ctx: HandlerContext) => Promise<ReadonlySet<string>>;

/** How redelivered events are recognised: the service's inbox table, or the handler itself. */
type Dedupe =
  | { inbox: InboxTable; handle: BatchHandler }
  | { inbox?: undefined; handle: DedupingBatchHandler };

export type ConsumerOptions = Dedupe & {
  /** The consumer's name: its inbox rows and, by default, its group (`vextrus.<name>`). */
  name: string;
  group?: string;
  topics: readonly string[];
  db: Database;
  transport: Transport;
  log: Logger;
  registry?: MetricRegistry;
  /** Failed attempts before an event goes to its DLQ (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 200 ms). */
  retryBaseMs?: number;
  /** Tenants of one batch handled in parallel (default 4). */
  tenantConcurrency?: number;
  /** Inbox rows older than this are pruned (default 45 days: longer than any DLQ is kept). */
  inboxRetentionMs?: number;
  /**
   * A tenant transaction that has not settled after this long counts as an infrastructure failure
   * and is retried (default 30 s). A connection the database accepted and then dropped can leave a
   * pool waiting forever; the inbox (or a deduping handler) makes a late commit of the abandoned
   * attempt harmless.
   */
  applyTimeoutMs?: number;
};

export interface Consumer {
  readonly group: string;
  stop(): Promise<void>;
}

interface Item {
  message: DeliveredMessage;
  event: CloudEvent;
}

class ApplyTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`the tenant transaction did not settle within ${ms} ms`);
    this.name = "ApplyTimeoutError";
  }
}

function settleWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApplyTimeoutError(ms)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

class StoppingError extends Error {
  constructor() {
    super("consumer stopping");
    this.name = "StoppingError";
  }
}

/** Parses a message into a catalog event, or says why it cannot be one (a poison message). */
export function decodeEvent(value: string | null): { event: CloudEvent } | { error: string } {
  if (!value) {
    return { error: "empty message" };
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { error: "not JSON" };
  }
  const envelope = CloudEvent.safeParse(json);
  if (!envelope.success) {
    return {
      error: `invalid envelope: ${envelope.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    };
  }
  const definition = definitionOf(envelope.data.type);
  if (!definition) {
    return { error: `unknown event type ${envelope.data.type}` };
  }
  if (String(definition.version) !== envelope.data.dataversion) {
    return {
      error: `unsupported dataversion ${envelope.data.dataversion} of ${envelope.data.type} (expected ${definition.version})`,
    };
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    const issues = data.error.issues.map((i) => `${["data", ...i.path].join(".")}: ${i.message}`);
    return { error: `invalid payload of ${envelope.data.type}: ${issues.join("; ")}` };
  }
  return { event: { ...envelope.data, data: data.data } };
}

/** Records the ids in the inbox; returns those that were not there yet. */
async function claim(
  tx: Tx,
  inbox: InboxTable,
  consumer: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const result = await tx.execute(sql`
    insert into ${inbox} (event_id, consumer)
    select unnest(${`{${ids.join(",")}}`}::uuid[]), ${consumer}
    on conflict do nothing
    returning event_id`);
  return new Set(rowsOf<{ event_id: string }>(result).map((row) => row.event_id));
}

async function pause(ms: number, control: BatchControl): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!control.isRunning()) {
      throw new StoppingError();
    }
    await sleep(Math.min(500, until - Date.now()));
    await control.heartbeat().catch(() => undefined);
  }
}

async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) {
    throw errors[0];
  }
}

/**
 * A service's consumer group. Each batch: poison messages (not a catalog event) go to the DLQ at
 * once; the rest are grouped by tenant and applied in one tenant transaction per tenant, skipping
 * events already in the inbox. A failing group is retried event by event: infrastructure errors
 * retry without limit, other errors up to `maxAttempts` times with backoff, then the event goes to
 * `<topic>.dlq` with its error and the consumer moves on.
 */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const group = options.group ?? `vextrus.${options.name}`;
  const log = options.log.child({ component: "consumer", group });
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 200;
  const tenantConcurrency = options.tenantConcurrency ?? 4;
  const inboxRetentionMs = options.inboxRetentionMs ?? 45 * 24 * 60 * 60 * 1000;
  const applyTimeoutMs = options.applyTimeoutMs ?? 30_000;
  const metrics = options.registry ? eventMetrics(options.registry) : undefined;
  const dlq: Publisher = options.transport.publisher(`${group}-dlq`);

  async function apply(tenantId: string, items: readonly Item[]): Promise<void> {
    const transaction = options.db.tenant(tenantId, async (tx): Promise<ReadonlySet<string>> => {
      const delivered = items.map((item) => item.event);
      if (!options.inbox) {
        return options.handle({ tx, tenantId, events: delivered, log });
      }
      const claimed = await claim(
        tx,
        options.inbox,
        options.name,
        delivered.map((event) => event.id),
      );
      const events = delivered.filter((event) => claimed.has(event.id));
      if (events.length > 0) {
        await options.handle({ tx, tenantId, events, log });
      }
      return claimed;
    });
    const fresh = await settleWithin(transaction, applyTimeoutMs);
    const count = fresh.size;
    for (const item of items) {
      const topic = item.message.topic;
      if (fresh.has(item.event.id)) {
        metrics?.handled.inc({ topic });
      } else {
        metrics?.duplicates.inc({ topic });
      }
    }
    if (count < items.length) {
      log.debug("skipped redelivered events", { tenantId, skipped: items.length - count });
    }
  }

  async function deadLetter(
    message: DeliveredMessage,
    reason: "schema" | "handler",
    error: string,
    attempts: number,
    control: BatchControl,
  ): Promise<void> {
    const headers: Record<string, string> = {
      ...message.headers,
      "x-dlq-reason": reason,
      "x-dlq-error": error.slice(0, 2000),
      "x-dlq-consumer": group,
      "x-dlq-attempts": String(attempts),
      "x-dlq-original-topic": message.topic,
      "x-dlq-original-partition": String(message.partition),
      "x-dlq-original-offset": message.offset,
      "x-dlq-failed-at": new Date().toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await dlq.send([
          { topic: dlqOf(message.topic), key: message.key ?? "", value: message.value ?? "", headers },
        ]);
        break;
      } catch (sendError) {
        log.warn("dead-letter publish failed; retrying", { error: describeError(sendError) });
        await pause(backoffMs(attempt, retryBaseMs, 5_000), control);
      }
    }
    metrics?.deadLettered.inc({ topic: message.topic, reason });
    log.error("event dead-lettered", {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      reason,
      attempts,
      error,
    });
  }

  /** Applies one event, retrying; dead-letters it after `maxAttempts` handler failures. */
  async function applyOne(tenantId: string, item: Item, control: BatchControl): Promise<void> {
    let attempts = 0;
    let outages = 0;
    for (;;) {
      try {
        await apply(tenantId, [item]);
        return;
      } catch (error) {
        if (!control.isRunning()) {
          throw new StoppingError();
        }
        const topic = item.message.topic;
        if (isInfrastructureError(error)) {
          outages++;
          metrics?.failed.inc({ topic, kind: "infrastructure" });
          log.warn("infrastructure error; retrying", { eventId: item.event.id, error: describeError(error) });
          await pause(backoffMs(outages, retryBaseMs, 5_000), control);
          continue;
        }
        attempts++;
        metrics?.failed.inc({ topic, kind: "handler" });
        const why = describeError(error);
        if (attempts >= maxAttempts) {
          await deadLetter(item.message, "handler", why, attempts, control);
          return;
        }
        log.warn("handler failed; retrying", {
          eventId: item.event.id,
          type: item.event.type,
          attempts,
          error: why,
        });
        await pause(backoffMs(attempts, retryBaseMs, 10_000), control);
      }
    }
  }

  async function applyGroup(tenantId: string, items: readonly Item[], control: BatchControl): Promise<void> {
    const [only] = items;
    if (only && items.length === 1) {
      return applyOne(tenantId, only, control);
    }
    let outages = 0;
    for (;;) {
      try {
        await apply(tenantId, items);
        return;
      } catch (error) {
        if (!control.isRunning()) {
          throw new StoppingError();
        }
        if (isInfrastructureError(error)) {
          outages++;
          for (const item of items) {
            metrics?.failed.inc({ topic: item.message.topic, kind: "infrastructure" });
          }
          log.warn("infrastructure error; retrying the batch", { tenantId, error: describeError(error) });
          await pause(backoffMs(outages, retryBaseMs, 5_000), control);
          continue;
        }
        break;
      }
    }
    // Something in the group fails: isolate it, in order.
    for (const item of items) {
      await applyOne(tenantId, item, control);
    }
  }

  async function onBatch(messages: DeliveredMessage[], control: BatchControl): Promise<void> {
    const byTenant = new Map<string, Item[]>();
    const seen = new Set<string>();
    for (const message of messages) {
      const decoded = decodeEvent(message.value);
      if ("error" in decoded) {
        await deadLetter(message, "schema", decoded.error, 1, control);
        continue;
      }
      if (seen.has(decoded.event.id)) {
        continue;
      }
      seen.add(decoded.event.id);
      const list = byTenant.get(decoded.event.tenantid) ?? [];
      list.push({ message, event: decoded.event });
      byTenant.set(decoded.event.tenantid, list);
    }
    await inPool([...byTenant], tenantConcurrency, ([tenantId, items]) =>
      applyGroup(tenantId, items, control),
    );
  }

  const subscription = await options.transport.subscribe({
    group,
    topics: options.topics,
    onBatch,
    onLag: (topic, partition, lag) => metrics?.lag.set({ topic, partition: String(partition) }, lag),
  });

  const inbox = options.inbox;
  const prune =
    inbox &&
    setInterval(
      () => {
        const cutoff = new Date(Date.now() - inboxRetentionMs).toISOString();
        options.db
          .privileged((tx) =>
            tx.execute(sql`delete from ${inbox} where processed_at < ${cutoff}::timestamptz`),
          )
          .catch((error: unknown) => log.warn("inbox prune failed", { error: describeError(error) }));
      },
      60 * 60 * 1000,
    );
  prune?.unref?.();

  return {
    group,
    async stop() {
      clearInterval(prune);
      await subscription.stop();
      await dlq.close();
    },
  };
}

type EventHandlers = {
  [T in EventType]?: (ctx: { tx: Tx; event: CloudEvent<EventData<T>>; log: Logger }) => Promise<void>;
};

/** A BatchHandler from one handler per event type (types without a handler are acknowledged). */
export function perEvent(handlers: EventHandlers): BatchHandler {
  return async ({ tx, events, log }) => {
    for (const event of events) {
      const handler = handlers[event.type as EventType] as
        | ((ctx: { tx: Tx; event: CloudEvent; log: Logger }) => Promise<void>)
        | undefined;
      await handler?.({ tx, event, log });
    }
  };
}
