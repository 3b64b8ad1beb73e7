import { childTraceparent, type Logger, runInTrace } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import type { EventData, EventType } from "./catalog.ts";
import { decodeEvent } from "./consumer-decode.ts";
import { handlingTrace, pruneInboxHourly, tenantApplier } from "./consumer-inbox.ts";
import { deadLetterer, inPool, retrying } from "./consumer-retry.ts";
import type { BatchHandler, Consumer, ConsumerOptions, Item } from "./consumer-types.ts";
import type { CloudEvent } from "./envelope.ts";
import { eventMetrics } from "./metrics.ts";
import type { BatchControl, DeliveredMessage } from "./transport.ts";

// The consumer in four files: consumer-decode (message → catalog event or poison), consumer-inbox
// (the tenant transaction that applies each event at most once), consumer-retry (backoff, isolation,
// dead letters) and this one, which wires them to a transport's batches.
export { decodeEvent } from "./consumer-decode.ts";
export type {
  BatchHandler,
  Consumer,
  ConsumerOptions,
  DedupingBatchHandler,
  HandlerContext,
} from "./consumer-types.ts";

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
  const retryBaseMs = options.retryBaseMs ?? 200;
  const tenantConcurrency = options.tenantConcurrency ?? 4;
  const metrics = options.registry ? eventMetrics(options.registry) : undefined;
  const publisher = options.transport.publisher(`${group}-dlq`);
  const deadLetter = deadLetterer({ publisher, group, retryBaseMs, log, metrics });
  const { applyGroup } = retrying({
    apply: tenantApplier(options, options.applyTimeoutMs ?? 30_000, log, metrics),
    deadLetter,
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseMs,
    log,
    metrics,
  });

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
  const prune =
    options.inbox &&
    pruneInboxHourly(options.db, options.inbox, options.inboxRetentionMs ?? 45 * 24 * 60 * 60 * 1000, log);

  return {
    group,
    async stop() {
      clearInterval(prune);
      await subscription.stop();
      await publisher.close();
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
      if (handler) {
        // The handler continues the trace of the request that caused the event: in the consumer's
        // span when tracing is on (consumer-inbox.ts), else a new span id of the event's trace.
        const traceparent = handlingTrace.get(event) ?? childTraceparent(event.traceparent ?? "");
        await runInTrace(traceparent, () => handler({ tx, event, log }));
      }
    }
  };
}
