import { emit } from "@vextrus/events";
import type { Logger } from "@vextrus/platform";
import { type Database, rowsOf } from "@vextrus/platform/db";
import { eq, sql } from "drizzle-orm";
import type { Channel } from "../channels/types.ts";
import { deliveries, outbox } from "../db/schema.ts";
import type { NotificationMetrics } from "../metrics.ts";

export interface Dispatcher {
  db: Database;
  channels: { email: Channel; sms: Channel };
  clock: () => Date;
  log: Logger;
  metrics: NotificationMetrics;
  maxAttempts: number;
  /** How long a claimed message is left alone before another pass may retry it (a crash mid-send). */
  leaseMs?: number;
  batch?: number;
}

interface Claimed {
  id: string;
  tenant_id: string;
  channel: "email" | "sms";
  address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  attempts: number;
}

/** Backoff after the n-th failed attempt: 5 s, 10 s, 20 s… capped at an hour. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** Claims due email/SMS messages of every tenant (skipping rows another replica holds) and leases them. */
async function claimDue(d: Dispatcher): Promise<Claimed[]> {
  const now = d.clock();
  const until = new Date(now.getTime() + (d.leaseMs ?? 60_000));
  return d.db.privileged(async (tx) =>
    rowsOf<Claimed>(
      await tx.execute(sql`
        update ${deliveries} set attempts = attempts + 1, next_attempt_at = ${until.toISOString()}::timestamptz
        where id in (
          select id from ${deliveries}
          where status = 'queued' and channel in ('email', 'sms') and not withheld
            and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at limit ${d.batch ?? 50}
          for update skip locked)
        returning id, tenant_id, channel, address, subject, body_text, body_html, attempts`),
    ),
  );
}

/** Records what the channel answered, with its event, in the message's tenant. */
async function record(
  d: Dispatcher,
  row: Claimed,
  outcome: { providerId: string; segments?: number | undefined } | Error,
) {
  const now = d.clock();
  await d.db.tenant(row.tenant_id, async (tx) => {
    const common = { subject: row.id, tenantId: row.tenant_id, actorId: null };
    if (!(outcome instanceof Error)) {
      await tx
        .update(deliveries)
        .set({
          status: "sent",
          sentAt: now,
          providerId: outcome.providerId,
          segments: outcome.segments ?? null,
          lastError: null,
        })
        .where(eq(deliveries.id, row.id));
      await emit(tx, outbox, {
        ...common,
        type: "vextrus.notification.delivery.sent",
        data: { id: row.id, channel: row.channel },
      });
      return;
    }
    const error = outcome.message.slice(0, 1000);
    const final = row.attempts >= d.maxAttempts;
    await tx
      .update(deliveries)
      .set(
        final
          ? { status: "failed", lastError: error }
          : { lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(row.attempts)) },
      )
      .where(eq(deliveries.id, row.id));
    if (final) {
      await emit(tx, outbox, {
        ...common,
        type: "vextrus.notification.delivery.failed",
        data: { id: row.id, channel: row.channel, error },
      });
    }
  });
}

/**
 * One pass: claim due messages (one transaction), send each outside any transaction, record each
 * outcome (one transaction each). Returns how many were claimed.
 */
export async function dispatchOnce(d: Dispatcher): Promise<number> {
  const claimed = await claimDue(d);
  for (const row of claimed) {
    const started = performance.now();
    const outcome = await d.channels[row.channel]
      .send({ id: row.id, to: row.address, subject: row.subject, text: row.body_text, html: row.body_html })
      .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    d.metrics.sendSeconds.observe({ channel: row.channel }, (performance.now() - started) / 1000);
    d.metrics.sent.inc({ channel: row.channel, outcome: outcome instanceof Error ? "error" : "accepted" });
    if (outcome instanceof Error) {
      d.log.warn("message not accepted", {
        id: row.id,
        channel: row.channel,
        attempt: row.attempts,
        error: outcome.message,
      });
    }
    await record(d, row, outcome);
  }
  return claimed.length;
}

/** Runs passes every `intervalMs` (at once again while a pass finds a full batch); stop() waits for the pass. */
export function startDispatcher(d: Dispatcher, intervalMs: number) {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = dispatchOnce(d)
      .then((n) => n)
      .catch((error: unknown) => {
        d.log.warn("dispatch pass failed", { error: String(error) });
        return 0;
      })
      .then((n) => {
        if (!stopped) {
          timer = setTimeout(tick, n >= (d.batch ?? 50) ? 0 : intervalMs);
        }
      });
  };
  timer = setTimeout(tick, 0);
  return {
    name: "dispatcher",
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
