/**
 * Outbound webhooks' tables (re-exported by db/schema.ts so drizzle-kit sees them). Every row is a
 * tenant's (RLS forced); the dispatcher claims due deliveries of every tenant through the
 * `platform_dispatch` policy, like the mail dispatcher.
 */
import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { index, integer, pgPolicy, pgSchema, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/** The service's schema (the same one as db/schema.ts's, declared here to avoid an import cycle). */
const notification = pgSchema("notification");

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const platformDispatch = () =>
  pgPolicy("platform_dispatch", {
    as: "permissive",
    for: "all",
    using: sql`current_setting('app.platform', true) = 'on'`,
    withCheck: sql`current_setting('app.platform', true) = 'on'`,
  });

export const webhookStatus = notification.enum("webhook_status", ["active", "disabled"]);
export const webhookDeliveryStatus = notification.enum("webhook_delivery_status", [
  "pending",
  "succeeded",
  "failed",
]);

/** A tenant's endpoint: where events whose type matches one of `events` are POSTed, signed with `secret`. */
export const webhookSubscriptions = notification.table(
  "webhook_subscriptions",
  {
    id: id(),
    tenantId: tenantId(),
    url: text("url").notNull(),
    description: text("description"),
    /** Exact types, prefixes ending in `.*`, or `*`. */
    events: text("events").array().notNull(),
    /** `whsec_…`: needed in clear to sign (HMAC), never returned after creation. */
    secret: text("secret").notNull(),
    status: webhookStatus("status").notNull().default("active"),
    disabledReason: text("disabled_reason"),
    /** Failed attempts in a row (any delivery); a success resets it; the limit disables the endpoint. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdBy: uuid("created_by"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    version: integer("version").notNull().default(1),
  },
  (t) => [
    index("webhook_subscriptions_tenant_idx").on(t.tenantId, t.status),
    tenantIsolation(),
    platformDispatch(),
  ],
);

/** One event for one subscription; its id is the `webhook-id` every attempt carries. */
export const webhookDeliveries = notification.table(
  "webhook_deliveries",
  {
    id: id(),
    tenantId: tenantId(),
    subscriptionId: uuid("subscription_id").notNull(),
    eventId: uuid("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact bytes sent: the CloudEvent as JSON. */
    body: text("body").notNull(),
    status: webhookDeliveryStatus("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at"),
    firstAttemptAt: at("first_attempt_at"),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    deliveredAt: at("delivered_at"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("webhook_deliveries_subscription_event_key").on(t.tenantId, t.subscriptionId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_subscription_idx").on(t.tenantId, t.subscriptionId, t.id),
    tenantIsolation(),
    platformDispatch(),
  ],
);

/** The delivery log: every attempt with the answer's status code (or the error) and its duration. */
export const webhookAttempts = notification.table(
  "webhook_attempts",
  {
    id: id(),
    tenantId: tenantId(),
    deliveryId: uuid("delivery_id").notNull(),
    at: at("at").notNull(),
    status: integer("status"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [
    index("webhook_attempts_delivery_idx").on(t.tenantId, t.deliveryId, t.id),
    tenantIsolation(),
    platformDispatch(),
  ],
);
