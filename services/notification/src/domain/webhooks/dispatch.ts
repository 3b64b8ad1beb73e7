/**
 * Feeds and drains the webhook deliveries.
 * - Feed: a consumer group of its own (`vextrus.notification-webhooks`, inbox-deduped) over the tenant
 *   topics of the catalog records one delivery per matching active subscription, in the event's tenant,
 *   in the same transaction as its inbox row: a restart loses nothing and a redelivered event adds nothing.
 * - Drain: a loop claims due deliveries of every tenant (FOR UPDATE SKIP LOCKED, leased, so replicas
 *   share the work), sends each outside any transaction, then records the attempt in the delivery log
 *   and schedules the next (5 s, 5 min, 30 min, 2 h, 5 h, 10 h; given up 24 h after the first). After
 *   `disableAfter` failed attempts in a row an endpoint is disabled, with its event.
 */
import { type CloudEvent, emit, startConsumer, TOPICS, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { inbox, outbox } from "../../db/schema.ts";
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from "../../db/webhooks.ts";
import { matches, nextAttemptAt, type Outcome, sendWebhook } from "./send.ts";

export interface WebhookSettings {
  /** Let endpoints resolve to loopback/private addresses (local development and tests only). */
  allowPrivate: boolean;
  timeoutMs: number;
  /** Failed attempts in a row that disable an endpoint. */
  disableAfter: number;
}

export interface WebhookDispatcher {
  db: Database;
  clock: () => Date;
  log: Logger;
  settings: WebhookSettings;
  leaseMs?: number;
  batch?: number;
}

/** Every topic whose events may be subscribed to: the catalog's, except the gateway's access log. */
export const WEBHOOK_TOPICS = TOPICS.map((topic) => topic.name).filter(
  (name) => name !== "vextrus.gateway.access",
);

type ActiveSubscription = { id: string; events: string[]; tenantId: string };

/** The tenant's active endpoints (tx: the tenant's transaction, so RLS reads only its own). */
function activeSubscriptions(tx: Tx): Promise<ActiveSubscription[]> {
  return tx
    .select({
      id: webhookSubscriptions.id,
      events: webhookSubscriptions.events,
      tenantId: webhookSubscriptions.tenantId,
    })
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.status, "active"));
}

/**
 * Records the deliveries a batch of one tenant's events asks for (tx: the tenant, with the inbox
 * claim): its active endpoints read once for the batch, then one INSERT for every matching pair. A
 * tenant without endpoints (the usual case) costs one SELECT per batch, whatever the number of events.
 */
async function recordDeliveries(tx: Tx, events: readonly CloudEvent[], now: Date) {
  const subscriptions = await activeSubscriptions(tx);
  if (subscriptions.length === 0) {
    return;
  }
  const rows = events.flatMap((event) => {
    const wanted = subscriptions.filter((s) => s.events.some((pattern) => matches(pattern, event.type)));
    if (wanted.length === 0) {
      return [];
    }
    const body = JSON.stringify(event);
    return wanted.map((s) => ({
      tenantId: s.tenantId,
      subscriptionId: s.id,
      eventId: event.id,
      eventType: event.type,
      body,
      nextAttemptAt: now,
      createdAt: now,
    }));
  });
  // Rows per INSERT: 7 parameters each, far below PostgreSQL's 65,535.
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insert(webhookDeliveries)
      .values(rows.slice(i, i + 1000))
      .onConflictDoNothing();
  }
}

export async function startWebhookFeed(options: {
  db: Database;
  transport: Transport;
  log: Logger;
  clock: () => Date;
  /** Default: every topic of WEBHOOK_TOPICS. */
  topics?: readonly string[];
}): Promise<Stoppable> {
  const consumer = await startConsumer({
    name: "notification-webhooks",
    topics: options.topics ?? WEBHOOK_TOPICS,
    db: options.db,
    inbox,
    transport: options.transport,
    log: options.log,
    handle: ({ tx, events }) => recordDeliveries(tx, events, options.clock()),
  });
  return { name: "webhook feed", stop: () => consumer.stop() };
}

interface Claimed {
  id: string;
  tenant_id: string;
  subscription_id: string;
  body: string;
  attempts: number;
  first_attempt_at: Date | string | null;
  url: string | null;
  secret: string | null;
  status: string | null;
}

/** Claims due deliveries of every tenant and leases them (another replica skips them until the lease ends). */
async function claimDue(d: WebhookDispatcher): Promise<Claimed[]> {
  const now = d.clock();
  const until = new Date(now.getTime() + (d.leaseMs ?? 60_000));
  return d.db.privileged(async (tx) =>
    rowsOf<Claimed>(
      await tx.execute(sql`
        with due as (
          update ${webhookDeliveries} set attempts = attempts + 1, next_attempt_at = ${until.toISOString()}::timestamptz,
            first_attempt_at = coalesce(first_attempt_at, ${now.toISOString()}::timestamptz)
          where id in (
            select id from ${webhookDeliveries}
            where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            order by next_attempt_at limit ${d.batch ?? 50}
            for update skip locked)
          returning id, tenant_id, subscription_id, body, attempts, first_attempt_at)
        select due.*, s.url, s.secret, s.status from due
        left join ${webhookSubscriptions} s on s.id = due.subscription_id and s.tenant_id = due.tenant_id`),
    ),
  );
}

/** Records one attempt's outcome in the delivery's tenant: the log row, the delivery, the endpoint. */
async function record(d: WebhookDispatcher, row: Claimed, at: Date, outcome: Outcome): Promise<void> {
  const now = d.clock();
  const firstAt = row.first_attempt_at ? new Date(row.first_attempt_at) : at;
  await d.db.tenant(row.tenant_id, async (tx) => {
    await tx.insert(webhookAttempts).values({
      tenantId: row.tenant_id,
      deliveryId: row.id,
      at,
      status: outcome.status,
      error: outcome.error,
      durationMs: outcome.durationMs,
    });
    if (outcome.ok) {
      await tx
        .update(webhookDeliveries)
        .set({
          status: "succeeded",
          nextAttemptAt: null,
          lastStatus: outcome.status,
          lastError: null,
          deliveredAt: now,
        })
        .where(eq(webhookDeliveries.id, row.id));
      await tx
        .update(webhookSubscriptions)
        .set({ consecutiveFailures: 0 })
        .where(eq(webhookSubscriptions.id, row.subscription_id));
      return;
    }
    // An endpoint removed or disabled meanwhile: the delivery is given up (redeliver sends it again).
    const next = row.status === "active" ? nextAttemptAt(firstAt, row.attempts, now) : null;
    await tx
      .update(webhookDeliveries)
      .set({
        status: next ? "pending" : "failed",
        nextAttemptAt: next,
        lastStatus: outcome.status,
        lastError: outcome.error,
      })
      .where(eq(webhookDeliveries.id, row.id));
    const [endpoint] = await tx
      .update(webhookSubscriptions)
      .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
      .where(and(eq(webhookSubscriptions.id, row.subscription_id), eq(webhookSubscriptions.status, "active")))
      .returning();
    if (endpoint && endpoint.consecutiveFailures >= d.settings.disableAfter) {
      const reason = `${endpoint.consecutiveFailures} failed attempts in a row; the last: ${outcome.error ?? outcome.status}`;
      await tx
        .update(webhookSubscriptions)
        .set({ status: "disabled", disabledReason: reason, updatedAt: now, version: endpoint.version + 1 })
        .where(eq(webhookSubscriptions.id, endpoint.id));
      await emit(tx, outbox, {
        type: "vextrus.notification.webhook.disabled",
        subject: endpoint.id,
        tenantId: row.tenant_id,
        actorId: null,
        data: {
          id: endpoint.id,
          url: endpoint.url,
          consecutiveFailures: endpoint.consecutiveFailures,
          reason,
        },
      });
    }
  });
}

/** One pass: claims due deliveries, sends each (in parallel, outside any transaction), records them. */
export async function dispatchWebhooksOnce(d: WebhookDispatcher): Promise<number> {
  const claimed = await claimDue(d);
  await Promise.all(
    claimed.map(async (row) => {
      const at = d.clock();
      const outcome: Outcome =
        row.url && row.secret && row.status === "active"
          ? await sendWebhook({
              url: row.url,
              secret: row.secret,
              messageId: `msg_${row.id}`,
              body: row.body,
              at,
              timeoutMs: d.settings.timeoutMs,
              allowPrivate: d.settings.allowPrivate,
            })
          : { ok: false, status: null, error: "the webhook is disabled or removed", durationMs: 0 };
      try {
        await record(d, row, at, outcome);
      } catch (error) {
        d.log.error("recording a webhook attempt failed", { deliveryId: row.id, error: String(error) });
      }
    }),
  );
  return claimed.length;
}

export function startWebhookDispatcher(d: WebhookDispatcher, intervalMs: number): Stoppable {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    if (stopped) {
      return;
    }
    running = dispatchWebhooksOnce(d).catch((error: unknown) =>
      d.log.error("webhook dispatch pass failed", { error: String(error) }),
    );
    await running;
    if (!stopped) {
      timer = setTimeout(tick, intervalMs);
    }
  };
  let timer = setTimeout(tick, intervalMs);
  return {
    name: "webhook dispatcher",
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
