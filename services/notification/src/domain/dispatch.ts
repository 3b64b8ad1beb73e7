import { emit, emitMany } from "@vextrus/events";
import type { Logger } from "@vextrus/platform";
import { AppError } from "@vextrus/platform";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { eq, sql } from "drizzle-orm";
import type { Channel } from "../channels/types.ts";
import { type AttachmentRef, deliveries, outbox } from "../db/schema.ts";
import type { NotificationMetrics } from "../metrics.ts";
import type { AttachmentSource } from "../upstream/attachments.ts";

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
  /** Sends in flight at once within a pass (default 16). */
  concurrency?: number;
  /** Passes under way at once (default 2; see startDispatcher). */
  lanes?: number;
  /** Reads the files a mail carries (absent: such mail fails, as nothing can read them). */
  attachments?: AttachmentSource | undefined;
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
  attachments: AttachmentRef[] | null;
  requested_by: string | null;
  requested_permissions: string[] | null;
  /** The address bounced (e-mail): nothing is sent to it until it is verified again. */
  bouncing: boolean;
}

// Messages claimed per pass, and sent at once within it: the claim and the recording of outcomes cost
// a few statements per pass whatever its size, so bigger passes spend less per message; 16 sends in
// flight keep the pooled SMTP transport's connections busy while a pass waits for its slowest send.
const BATCH = 100;
const CONCURRENCY = 16;

/** Backoff after the n-th failed attempt: 5 s, 10 s, 20 s… capped at an hour. */
export const backoffMs = (attempts: number) => Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** Claims due email/SMS messages of every tenant (skipping rows another replica holds) and leases them. */
async function claimDue(d: Dispatcher): Promise<Claimed[]> {
  const now = d.clock();
  const until = new Date(now.getTime() + (d.leaseMs ?? 60_000));
  return d.db.privileged(async (tx) =>
    rowsOf<Claimed>(
      await tx.execute(sql`
        update ${deliveries} d set attempts = attempts + 1, next_attempt_at = ${until.toISOString()}::timestamptz
        where id in (
          select id from ${deliveries}
          where status = 'queued' and channel in ('email', 'sms') and not withheld
            and next_attempt_at <= ${now.toISOString()}::timestamptz
          order by next_attempt_at limit ${d.batch ?? BATCH}
          for update skip locked)
        returning id, tenant_id, channel, address, subject, body_text, body_html, attempts, attachments,
          requested_by, requested_permissions, (channel = 'email' and exists (select 1 from notification.bouncing_addresses b
            where b.tenant_id = d.tenant_id and b.address = lower(d.address))) as bouncing`),
    ),
  );
}

type Outcome = { providerId: string; segments?: number | undefined } | Error;

/** A refusal that no retry can change (a bouncing address, an attachment the sender may not read). */
class Final extends Error {}

const FINAL_KINDS = new Set(["VALIDATION", "FORBIDDEN", "NOT_FOUND", "PRECONDITION_FAILED", "UNAUTHORIZED"]);

/**
 * Records what the channel answered for each message, with its events: the accepted ones of every
 * tenant set-based in one transaction (one UPDATE and one outbox insert for all of them, each event in
 * its message's tenant), refusals one by one in their tenant's transaction (rare). A failed record
 * leaves its messages to be sent again after the lease: at-least-once.
 */
async function recordAll(d: Dispatcher, done: readonly { row: Claimed; outcome: Outcome }[]) {
  const accepted = done.flatMap(({ row, outcome }) => (outcome instanceof Error ? [] : [{ row, outcome }]));
  if (accepted.length > 0) {
    await d.db
      .privileged((tx) => recordSent(d, tx, accepted))
      .catch((error: unknown) =>
        d.log.warn("outcomes not recorded", { messages: accepted.length, error: String(error) }),
      );
  }
  const refusedBy = new Map<string, { row: Claimed; outcome: Error }[]>();
  for (const { row, outcome } of done) {
    if (outcome instanceof Error) {
      refusedBy.set(row.tenant_id, [...(refusedBy.get(row.tenant_id) ?? []), { row, outcome }]);
    }
  }
  for (const [tenantId, items] of refusedBy) {
    await d.db
      .tenant(tenantId, async (tx) => {
        for (const { row, outcome } of items) {
          await record(d, tx, row, outcome);
        }
      })
      .catch((error: unknown) => d.log.warn("outcomes not recorded", { tenantId, error: String(error) }));
  }
}

/** The accepted messages: `sent` with the provider's ids, and their events, in two statements. */
async function recordSent(
  d: Dispatcher,
  tx: Tx,
  accepted: readonly { row: Claimed; outcome: { providerId: string; segments?: number | undefined } }[],
) {
  if (accepted.length === 0) {
    return;
  }
  const now = d.clock();
  const values = accepted.map(({ row, outcome }) => ({
    id: row.id,
    provider_id: outcome.providerId,
    segments: outcome.segments ?? null,
  }));
  await tx.execute(sql`
    update ${deliveries} d set status = 'sent', sent_at = ${now.toISOString()}::timestamptz,
      provider_id = v.provider_id, last_error = null, segments = coalesce(v.segments, d.segments),
      -- the cost recorded with the message, for the segments the channel counted (the same text: the same)
      cost_poisha = case when d.segments > 0 and v.segments is not null
        then d.cost_poisha / d.segments * v.segments else d.cost_poisha end
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, provider_id text, segments int)
    where d.id = v.id`);
  await emitMany(
    tx,
    outbox,
    accepted.map(({ row }) => ({
      subject: row.id,
      tenantId: row.tenant_id,
      actorId: null,
      type: "vextrus.notification.delivery.sent" as const,
      data: { id: row.id, channel: row.channel },
    })),
  );
}

/** Records a refusal (retried later with backoff, or `failed` after the last attempt), with its event. */
async function record(d: Dispatcher, tx: Tx, row: Claimed, outcome: Error) {
  const now = d.clock();
  const common = { subject: row.id, tenantId: row.tenant_id, actorId: null };
  const error = outcome.message.slice(0, 1000);
  const final = outcome instanceof Final || row.attempts >= d.maxAttempts;
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
}

/**
 * One pass: claim due messages (one transaction), send each outside any transaction, record the
 * outcomes (one transaction per tenant). Returns how many were claimed.
 */
export async function dispatchOnce(d: Dispatcher): Promise<number> {
  const { claimed, done } = await claimAndSend(d);
  await recordAll(d, done);
  return claimed.length;
}

/** A pass without its recording: claims due messages and sends them; answers what each send answered. */
async function claimAndSend(d: Dispatcher) {
  const claimed = await claimDue(d);
  const queue = [...claimed];
  const done: { row: Claimed; outcome: Outcome }[] = [];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      done.push({ row, outcome: await sendOne(d, row) });
    }
  };
  // Up to `concurrency` sends in flight (a pooled SMTP transport keeps several connections open).
  await Promise.all(Array.from({ length: Math.min(d.concurrency ?? CONCURRENCY, queue.length) }, worker));
  return { claimed, done };
}

/** The files a mail carries, read as the user who asked for it; a refusal no retry can change is Final. */
async function attachmentsOf(d: Dispatcher, row: Claimed) {
  if (!row.attachments?.length) {
    return undefined;
  }
  if (!d.attachments || !row.requested_by) {
    throw new Final("attachments cannot be read here (no file-storage or document-generator configured)");
  }
  try {
    return await d.attachments.fetch(row.attachments, {
      tenantId: row.tenant_id,
      userId: row.requested_by,
      permissions: row.requested_permissions ?? undefined,
    });
  } catch (error) {
    if (error instanceof AppError && FINAL_KINDS.has(error.kind)) {
      throw new Final(error.message);
    }
    throw error;
  }
}

async function sendOne(d: Dispatcher, row: Claimed): Promise<Outcome> {
  const started = performance.now();
  const outcome = await (async () => {
    if (row.bouncing) {
      throw new Final(`${row.address} bounced: nothing is sent to it until it is verified again`);
    }
    const attachments = await attachmentsOf(d, row);
    return d.channels[row.channel].send({
      id: row.id,
      to: row.address,
      subject: row.subject,
      text: row.body_text,
      html: row.body_html,
      attachments,
    });
  })().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
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
  return outcome;
}

/**
 * Runs passes every `intervalMs` (at once again while a pass finds a full batch) in `lanes` loops
 * (default 2): while one lane waits for its pass's slowest send, the other claims and sends the next
 * batch (claims skip rows another lane or replica holds). A lane records a pass's outcomes while it
 * claims and sends its next one (the claimed rows stay leased until recorded, so nothing is claimed
 * twice), one recording at a time per lane; the SMTP pool is not left idle while PostgreSQL records.
 * stop() waits for the passes and recordings under way.
 */
export function startDispatcher(d: Dispatcher, intervalMs: number) {
  let stopped = false;
  const lane = () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running: Promise<void> = Promise.resolve();
    let recording: Promise<void> = Promise.resolve();
    const pass = async () => {
      const { claimed, done } = await claimAndSend(d);
      await recording;
      recording = recordAll(d, done).catch((error: unknown) =>
        d.log.warn("outcomes not recorded", { error: String(error) }),
      );
      return claimed.length;
    };
    const tick = () => {
      running = pass()
        .catch((error: unknown) => {
          d.log.warn("dispatch pass failed", { error: String(error) });
          return 0;
        })
        .then((n) => {
          if (!stopped) {
            timer = setTimeout(tick, n >= (d.batch ?? BATCH) ? 0 : intervalMs);
          }
        });
    };
    timer = setTimeout(tick, 0);
    return async () => {
      clearTimeout(timer);
      await running;
      await recording;
    };
  };
  const lanes = Array.from({ length: d.lanes ?? 2 }, lane);
  return {
    name: "dispatcher",
    async stop() {
      stopped = true;
      await Promise.all(lanes.map((stop) => stop()));
    },
  };
}
