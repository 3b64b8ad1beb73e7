import { inboxTable, outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const notification = pgSchema("notification");

export const channel = notification.enum("channel", ["email", "sms", "in_app"]);
/**
 * queued → sent → delivered (the provider's report) / bounced (accepted, then not delivered);
 * failed: never accepted after every attempt.
 */
export const deliveryStatus = notification.enum("delivery_status", [
  "queued",
  "sent",
  "failed",
  "delivered",
  "bounced",
]);
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
    /**
     * SMS only: what it costs, in poisha (segments × the per-segment price when it was recorded), so a
     * later change of price does not rewrite what was spent.
     */
    costPoisha: bigint("cost_poisha", { mode: "number" }),
    providerId: text("provider_id"),
    createdAt: at("created_at").notNull().defaultNow(),
    sentAt: at("sent_at"),
    readAt: at("read_at"),
    /**
     * A secret link's message (invitation, password reset, verification): sent once at auth's call and
     * stored with the link withheld, so the dispatcher never sends the stored text.
     */
    withheld: boolean("withheld").notNull().default(false),
    /**
     * Files sent with an e-mail (a stored file, an issued document's PDF), fetched when it is sent with
     * a token acting for `requested_by` (so only what that user may read leaves the system).
     */
    attachments: jsonb("attachments").$type<AttachmentRef[]>(),
    /** Who asked for the message (a user sending a document): attachments are fetched as them. */
    requestedBy: uuid("requested_by"),
    /**
     * The reads they held when they asked (`…:read` and `service:*`): the token attachments are fetched
     * with carries these and no more (file-storage also asks the record a file is attached to).
     */
    requestedPermissions: jsonb("requested_permissions").$type<string[]>(),
    /** When the provider reported the message delivered (or bounced). */
    deliveredAt: at("delivered_at"),
  },
  (t) => [
    unique("deliveries_event_channel_address_key").on(t.tenantId, t.eventId, t.channel, t.address),
    index("deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("deliveries_inbox_idx").on(t.tenantId, t.recipientId, t.channel, t.id),
    index("deliveries_provider_id_idx").on(t.channel, t.providerId),
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

/** A file attached to an e-mail: a stored file (file-storage) or an issued document's PDF (document-generator). */
export type AttachmentRef = { fileId: string } | { documentId: string };

/**
 * An e-mail address that bounced (a delivery status notification said the mailbox does not exist or
 * refuses mail): nothing but secret links (the verification that clears it) is sent to it until the
 * user verifies it again.
 */
export const bouncingAddresses = notification.table(
  "bouncing_addresses",
  {
    tenantId: tenantId(),
    /** Lower-case e-mail address. */
    address: text("address").notNull(),
    /** The delivery whose bounce marked it. */
    deliveryId: uuid("delivery_id").notNull(),
    /** The DSN's status and diagnostic (`5.1.1 user unknown`). */
    reason: text("reason").notNull(),
    bouncedAt: at("bounced_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "bouncing_addresses_pkey", columns: [t.tenantId, t.address] }),
    tenantIsolation(),
    // The dispatcher checks every tenant's claimed mail against it in a privileged transaction.
    pgPolicy("platform_read", {
      as: "permissive",
      for: "select",
      using: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

/** The channels a user wants per category of message (absent: the category's default). */
export type ChannelChoices = Partial<Record<"task" | "process" | "security", ("email" | "sms" | "in_app")[]>>;

/**
 * A user's notification preferences: language, channels per category, quiet hours (minutes after
 * midnight in Asia/Dhaka; SMS and e-mail held until they end) and the daily digest instead of
 * instant mail.
 */
export const preferences = notification.table(
  "preferences",
  {
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    locale: locale("locale"),
    channels: jsonb("channels").$type<ChannelChoices>().notNull().default({}),
    quietStart: integer("quiet_start"),
    quietEnd: integer("quiet_end"),
    digest: boolean("digest").notNull().default(false),
    version: integer("version").notNull().default(1),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("preferences_user_key").on(t.tenantId, t.userId), tenantIsolation()],
);

/**
 * The tenant's own price of one SMS segment, in poisha (`segment_poisha` null: the deployment's
 * `SMS_SEGMENT_COST_POISHA`). One row per tenant, versioned (optimistic updates).
 */
export const smsPrices = notification.table(
  "sms_prices",
  {
    tenantId: tenantId(),
    segmentPoisha: bigint("segment_poisha", { mode: "number" }),
    version: integer("version").notNull().default(1),
    updatedBy: uuid("updated_by").notNull(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "sms_prices_pkey", columns: [t.tenantId] }), tenantIsolation()],
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
    /** The SMS text (null: the built-in one). */
    smsText: text("sms_text"),
    /** The in-app title and body (null: the built-in ones). */
    inAppTitle: text("in_app_title"),
    inAppBody: text("in_app_body"),
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

export * from "./directory.ts";

export const outbox = outboxTable(notification);
export const inbox = inboxTable(notification);
export * from "./webhooks.ts";
