/**
 * A tenant's webhook endpoints and their delivery log: the verbs behind `webhooks.*` (at the gateway). Every
 * change writes its event (`vextrus.notification.webhook.*`, without the secret) in the same transaction.
 */
import { emit } from "@vextrus/events";
import { conflict, notFound, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { outbox } from "../../db/schema.ts";
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from "../../db/webhooks.ts";
import type { NotifyContext } from "../../deps.ts";
import { newSecret, secretKey } from "./signing.ts";
import { checkTarget } from "./target.ts";

/** An event type (`vextrus.workflow.task.approved`), a prefix (`vextrus.workflow.*`) or `*`. */
const PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$/;
const EventPattern = z
  .string()
  .trim()
  .max(200)
  .refine((value) => PATTERN.test(value), {
    message: "An event type, a prefix ending in .* (vextrus.workflow.*), or *",
    params: { messageBn: "একটি ইভেন্টের ধরন, .* দিয়ে শেষ হওয়া একটি উপসর্গ (vextrus.workflow.*), অথবা *" },
  });
const Url = z.url({ protocol: /^https?$/ }).max(2_000);
const Id = z.uuid();

export const CreateWebhookInput = z.strictObject({
  url: Url,
  events: z.array(EventPattern).min(1).max(50),
  /** `whsec_…` of your own; left out, one is made and returned once. */
  secret: z.string().max(200).optional(),
  description: z.string().trim().max(500).optional(),
});
export const UpdateWebhookInput = z.strictObject({
  id: Id,
  expectedVersion: z.number().int().min(1),
  url: Url.optional(),
  events: z.array(EventPattern).min(1).max(50).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  /** `active` turns a disabled endpoint back on (its failure count starts again). */
  status: z.enum(["active", "disabled"]).optional(),
});
export const WebhookById = z.strictObject({ id: Id });
export const ListDeliveriesInput = z.strictObject({ subscriptionId: Id, ...pageInput() });
export const DeliveryById = z.strictObject({ deliveryId: Id });

type Subscription = typeof webhookSubscriptions.$inferSelect;
type Delivery = typeof webhookDeliveries.$inferSelect;

const WEBHOOK = { en: "Webhook", bn: "ওয়েবহুক" };
const DELIVERY = { en: "Webhook delivery", bn: "ওয়েবহুক ডেলিভারি" };

/** A subscription as callers see it: never the secret. */
export const view = (row: Subscription) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  events: row.events,
  status: row.status,
  disabledReason: row.disabledReason,
  consecutiveFailures: row.consecutiveFailures,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  version: row.version,
});
const snapshot = (row: Subscription) => JSON.parse(JSON.stringify(view(row))) as Record<string, unknown>;

const deliveryView = (row: Delivery) => ({
  id: row.id,
  subscriptionId: row.subscriptionId,
  eventId: row.eventId,
  eventType: row.eventType,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt,
  lastStatus: row.lastStatus,
  lastError: row.lastError,
  deliveredAt: row.deliveredAt,
  createdAt: row.createdAt,
});

const uniquePatterns = (events: readonly string[]) => [...new Set(events)];

async function subscriptionOf(tx: Tx, id: string): Promise<Subscription> {
  const [row] = await tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  if (!row) {
    throw notFound(WEBHOOK, "notification.webhook.not_found");
  }
  return row;
}

export async function createWebhook({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof CreateWebhookInput>;
}) {
  // Checked before the transaction: resolving the host is network I/O.
  const url = await checkTarget(input.url, ctx.deps.webhooks);
  const secret = input.secret ?? newSecret();
  secretKey(secret);
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const now = ctx.deps.clock();
    const [row] = await tx
      .insert(webhookSubscriptions)
      .values({
        tenantId: ctx.tenantId,
        url,
        description: input.description ?? null,
        events: uniquePatterns(input.events),
        secret,
        createdBy: ctx.principal.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned no row");
    }
    await emit(tx, outbox, {
      type: "vextrus.notification.webhook.created",
      subject: row.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: row.id, after: snapshot(row) },
    });
    return { ...view(row), secret };
  });
}

export function listWebhooks({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rows = await tx.select().from(webhookSubscriptions).orderBy(webhookSubscriptions.id).limit(200);
      return { items: rows.map(view) };
    },
    { readOnly: true },
  );
}

export function getWebhook({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof WebhookById> }) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => view(await subscriptionOf(tx, input.id)), {
    readOnly: true,
  });
}

export async function updateWebhook({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof UpdateWebhookInput>;
}) {
  const url = input.url === undefined ? undefined : await checkTarget(input.url, ctx.deps.webhooks);
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await subscriptionOf(tx, input.id);
    if (before.version !== input.expectedVersion) {
      throw conflict("notification.webhook.stale", {
        en: `The webhook changed since you read it (version ${before.version}); read it again`,
        bn: `আপনি পড়ার পর ওয়েবহুকটি বদলেছে (সংস্করণ ${before.version}); আবার পড়ুন`,
      });
    }
    const enabling = input.status === "active" && before.status === "disabled";
    const [after] = await tx
      .update(webhookSubscriptions)
      .set({
        ...(url === undefined ? {} : { url }),
        ...(input.events === undefined ? {} : { events: uniquePatterns(input.events) }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.status === undefined ? {} : { status: input.status }),
        ...(input.status === "disabled" && before.status === "active" ? { disabledReason: "by a user" } : {}),
        ...(enabling ? { disabledReason: null, consecutiveFailures: 0 } : {}),
        updatedAt: ctx.deps.clock(),
        version: before.version + 1,
      })
      .where(and(eq(webhookSubscriptions.id, input.id), eq(webhookSubscriptions.version, before.version)))
      .returning();
    if (!after) {
      throw conflict("notification.webhook.stale", {
        en: "The webhook changed while you saved it; read it again",
        bn: "সংরক্ষণের সময় ওয়েবহুকটি বদলে গেছে; আবার পড়ুন",
      });
    }
    await emit(tx, outbox, {
      type: "vextrus.notification.webhook.updated",
      subject: after.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: after.id, before: snapshot(before), after: snapshot(after) },
    });
    return view(after);
  });
}

/** Removes an endpoint; its delivery log stays, and its pending deliveries are given up. */
export function removeWebhook({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof WebhookById> }) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await subscriptionOf(tx, input.id);
    await tx.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, input.id));
    await tx
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null, lastError: "the webhook was removed" })
      .where(and(eq(webhookDeliveries.subscriptionId, input.id), eq(webhookDeliveries.status, "pending")));
    await emit(tx, outbox, {
      type: "vextrus.notification.webhook.removed",
      subject: before.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: before.id, before: snapshot(before) },
    });
    return { id: before.id, removed: true };
  });
}

/** An endpoint's deliveries, newest first (keyset). */
export function listDeliveries({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof ListDeliveriesInput>;
}) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      await subscriptionOf(tx, input.subscriptionId);
      const page = keyset({ id: webhookDeliveries.id, direction: "desc" }, input.cursor);
      const rows = await tx
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.subscriptionId, input.subscriptionId), page.where))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const result = pageOf(rows, input.limit, (row) => row.id);
      return { items: result.items.map(deliveryView), nextCursor: result.nextCursor };
    },
    { readOnly: true },
  );
}

async function deliveryOf(tx: Tx, id: string): Promise<Delivery> {
  const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  if (!row) {
    throw notFound(DELIVERY, "notification.webhook_delivery.not_found");
  }
  return row;
}

/** One delivery with every attempt: when, the status code answered (or the error), how long it took. */
export function getDelivery({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof DeliveryById> }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const delivery = await deliveryOf(tx, input.deliveryId);
      const attempts = await tx
        .select()
        .from(webhookAttempts)
        .where(eq(webhookAttempts.deliveryId, delivery.id))
        .orderBy(webhookAttempts.id)
        .limit(100);
      return {
        ...deliveryView(delivery),
        attemptLog: attempts.map((a) => ({
          at: a.at,
          status: a.status,
          error: a.error,
          durationMs: a.durationMs,
        })),
      };
    },
    { readOnly: true },
  );
}

/** Sends a delivery again now (a fresh 24 h of retries), whatever its state; the endpoint must be active. */
export function redeliver({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof DeliveryById> }) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const delivery = await deliveryOf(tx, input.deliveryId);
    const subscription = await subscriptionOf(tx, delivery.subscriptionId);
    if (subscription.status !== "active") {
      throw conflict("notification.webhook.disabled", {
        en: "The webhook is disabled: turn it back on (status active) before redelivering",
        bn: "ওয়েবহুকটি বন্ধ আছে: আবার পাঠানোর আগে এটি চালু করুন (status active)",
      });
    }
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: ctx.deps.clock(), firstAttemptAt: null })
      .where(eq(webhookDeliveries.id, delivery.id))
      .returning();
    return deliveryView(row ?? delivery);
  });
}
