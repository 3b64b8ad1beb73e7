import { endSpan, type Logger, startSpan, traceparentOfSpan } from "@vextrus/platform";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { ConsumerOptions, Dedupe, Item } from "./consumer-types.ts";
import { describeError } from "./errors.ts";
import type { EventMetrics } from "./metrics.ts";
import type { InboxTable } from "./outbox.ts";

/** A tenant transaction that did not settle in time (an infrastructure failure: retried). */
export class ApplyTimeoutError extends Error {
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

/** Applies one tenant's events, at most once each. */
export type TenantApply = (tenantId: string, items: readonly Item[]) => Promise<void>;

/**
 * One tenant transaction per call: the inbox claims the event ids (those already there are skipped)
 * and the handler applies the rest, so both commit together; a deduping handler (no inbox) says itself
 * what it applied. A transaction that does not settle within `applyTimeoutMs` is an infrastructure
 * failure (ETIMEDOUT), retried by the caller; the claim makes a late commit of it harmless.
 */
export function tenantApplier(
  options: Dedupe & Pick<ConsumerOptions, "db" | "name">,
  applyTimeoutMs: number,
  log: Logger,
  metrics: EventMetrics | undefined,
): TenantApply {
  return async (tenantId, items) => {
    const spans = consumerSpans(options.name, items);
    try {
      await applyOnce(tenantId, items);
    } catch (error) {
      for (const span of spans) {
        endSpan(span, error);
      }
      throw error;
    }
    for (const span of spans) {
      endSpan(span);
    }
  };

  async function applyOnce(tenantId: string, items: readonly Item[]) {
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
}

/**
 * The consumer span of each event being applied (tracing on; none otherwise): a child of the span
 * that created the event, so the consumer's work is in the trace of the request that caused it, even
 * when a batch handler (audit) applies many events in one transaction. `perEvent` handlers run in it.
 */
function consumerSpans(consumer: string, items: readonly Item[]) {
  const spans: NonNullable<ReturnType<typeof startSpan>>[] = [];
  for (const { event, message } of items) {
    const span = startSpan(
      {
        service: consumer,
        name: `process ${message.topic}`,
        kind: "consumer",
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": message.topic,
          "messaging.message.id": event.id,
          "cloudevents.event_type": event.type,
          "messaging.batch.message_count": items.length,
        },
      },
      event.traceparent,
    );
    if (!span) {
      return spans;
    }
    handlingTrace.set(event, traceparentOfSpan(span));
    spans.push(span);
  }
  return spans;
}

/** The traceparent of the consumer span applying an event (tracing on), for perEvent's handlers. */
export const handlingTrace = new WeakMap<object, string>();

/** Deletes inbox rows older than `retentionMs` every hour; returns the timer to clear on stop. */
export function pruneInboxHourly(
  db: Database,
  inbox: InboxTable,
  retentionMs: number,
  log: Logger,
): ReturnType<typeof setInterval> {
  const timer = setInterval(
    () => {
      const cutoff = new Date(Date.now() - retentionMs).toISOString();
      db.privileged((tx) =>
        tx.execute(sql`delete from ${inbox} where processed_at < ${cutoff}::timestamptz`),
      ).catch((error: unknown) => log.warn("inbox prune failed", { error: describeError(error) }));
    },
    60 * 60 * 1000,
  );
  timer.unref?.();
  return timer;
}
