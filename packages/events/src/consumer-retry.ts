import type { Logger } from "@vextrus/platform";
import { dlqOf } from "./catalog.ts";
import { ApplyTimeoutError, type TenantApply } from "./consumer-inbox.ts";
import type { Item } from "./consumer-types.ts";
import { backoffMs, describeError, isInfrastructureError, sleep } from "./errors.ts";
import type { EventMetrics } from "./metrics.ts";
import type { BatchControl, DeliveredMessage, Publisher } from "./transport.ts";

export class StoppingError extends Error {
  constructor() {
    super("consumer stopping");
    this.name = "StoppingError";
  }
}

/** Waits `ms`, heartbeating the batch; throws StoppingError as soon as the consumer stops. */
export async function pause(ms: number, control: BatchControl): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!control.isRunning()) {
      throw new StoppingError();
    }
    await sleep(Math.min(500, until - Date.now()));
    await control.heartbeat().catch(() => undefined);
  }
}

/** Runs `work` over `items`, at most `limit` at a time; rethrows the first failure after all ran. */
export async function inPool<T>(
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

export type DeadLetter = (
  message: DeliveredMessage,
  reason: "schema" | "handler",
  error: string,
  attempts: number,
  control: BatchControl,
) => Promise<void>;

/**
 * Sends a message to `<topic>.dlq` with headers saying why, where it came from and when; a failed
 * publish is retried with backoff until it succeeds or the consumer stops (the offset is not committed
 * past a letter that was not sent).
 */
export function deadLetterer(options: {
  publisher: Publisher;
  group: string;
  retryBaseMs: number;
  log: Logger;
  metrics: EventMetrics | undefined;
}): DeadLetter {
  const { publisher, group, retryBaseMs, log, metrics } = options;
  return async (message, reason, error, attempts, control) => {
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
        await publisher.send([
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
  };
}

export interface RetryOptions {
  apply: TenantApply;
  deadLetter: DeadLetter;
  maxAttempts: number;
  retryBaseMs: number;
  log: Logger;
  metrics: EventMetrics | undefined;
}

/**
 * The retry loop. A tenant's group of events is applied together; an infrastructure error (database
 * or broker unreachable, deadlock) retries the group without limit; a group whose transaction did not
 * settle in time is applied again as two halves, in order (the same group would time out again on a
 * loaded machine, forever: the consumer would claim nothing); any other failure isolates it event by
 * event, each retried with backoff up to `maxAttempts` handler failures, then dead-lettered.
 */
export function retrying(options: RetryOptions) {
  const { apply, deadLetter, maxAttempts, retryBaseMs, log, metrics } = options;

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
        if (error instanceof ApplyTimeoutError) {
          // Too much work for one transaction in time: smaller groups, in order (the abandoned
          // transaction's inbox claims make a late commit of it harmless).
          metrics?.failed.inc({ topic: items[0]?.message.topic ?? "", kind: "infrastructure" });
          const half = Math.ceil(items.length / 2);
          log.warn("the tenant transaction did not settle in time; applying the batch in halves", {
            tenantId,
            events: items.length,
          });
          await applyGroup(tenantId, items.slice(0, half), control);
          await applyGroup(tenantId, items.slice(half), control);
          return;
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

  return { applyGroup };
}
