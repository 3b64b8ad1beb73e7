import { inboxTable, outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgPolicy,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const notification = pgSchema("notification");

export const channel = notification.enum("channel", ["email", "sms", "in_app"]);
export const deliveryStatus = notification.enum("delivery_status", ["queued", "sent", "failed"]);
export const locale = notification.enum("locale", ["bn", "en"]);

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One message to one recipient on one channel, rendered when its event arrived. At most one per
 * (event, channel, address): a redelivered event inserts nothing. In-app messages are born `sent`
 * (the inbox is their delivery); email and SMS wait `queued` for the dispatcher.
 */
export const deliveries = notification.table(
  "deliveries",
  {
    id: id(),
    tenantId: tenantId(),
    /** The event that caused it (the idempotency key with channel and address). */
    eventId: uuid("event_id").notNull(),
    channel: channel("channel").notNull(),
    /** The user it is for, when known (in-app messages always have one). */
    recipientId: uuid("recipient_id"),
    /** An e-mail address, a mobile number, or the user id for in-app messages. */
    address: text("address").notNull(),
    templateKey: text("template_key").notNull(),
    locale: locale("locale").notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    status: deliveryStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** When the dispatcher may (re)try it; a claimed row is pushed forward by the lease. */
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    /** SMS segments (the cost unit), for SMS only. */
    segments: integer("segments"),
    providerId: text("provider_id"),
    createdAt: at("created_at").notNull().defaultNow(),
    sentAt: at("sent_at"),
    readAt: at("read_at"),
    /**
     * A secret link's message (invitation, password reset, verification): sent once at auth's call and
     * stored with the link withheld, so the dispatcher never sends the stored text.
     */
    withheld: boolean("withheld").notNull().default(false),
  },
  (t) => [
    unique("deliveries_event_channel_address_key").on(t.tenantId, t.eventId, t.channel, t.address),
    index("deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("deliveries_inbox_idx").on(t.tenantId, t.recipientId, t.channel, t.id),
    tenantIsolation(),
    // The dispatcher claims due messages of every tenant in a privileged transaction.
    pgPolicy("platform_dispatch", {
      as: "permissive",
      for: "all",
      using: sql`current_setting('app.platform', true) = 'on'`,
      withCheck: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

/** A user's notification preferences (language for now). */
export const preferences = notification.table(
  "preferences",
  {
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    locale: locale("locale").notNull(),
    version: integer("version").notNull().default(1),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("preferences_user_key").on(t.tenantId, t.userId), tenantIsolation()],
);

/**
 * A tenant's versions of a template's text in one language, append-only: the newest is what messages
 * use (`built_in`: back to the built-in text). `version` counts from 1 per (key, locale).
 */
export const templateVersions = notification.table(
  "template_versions",
  {
    id: id(),
    tenantId: tenantId(),
    key: text("key").notNull(),
    locale: locale("locale").notNull(),
    version: integer("version").notNull(),
    builtIn: boolean("built_in").notNull().default(false),
    subject: text("subject"),
    bodyText: text("body_text"),
    bodyHtml: text("body_html"),
    createdAt: at("created_at").notNull().defaultNow(),
    createdBy: uuid("created_by").notNull(),
  },
  (t) => [
    unique("template_versions_key_locale_version_key").on(t.tenantId, t.key, t.locale, t.version),
    tenantIsolation(),
  ],
);

/**
 * A single-use, one-minute ticket to open the inbox stream (a browser's EventSource cannot send an
 * Authorization header): `<tenantId>.<secret>`, only the secret's SHA-256 stored.
 */
export const streamTickets = notification.table(
  "stream_tickets",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    secretHash: text("secret_hash").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
  },
  (t) => [unique("stream_tickets_secret_key").on(t.tenantId, t.secretHash), tenantIsolation()],
);

export const outbox = outboxTable(notification);
export const inbox = inboxTable(notification);
