import { type CloudEvent, emitMany } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { eq, inArray } from "drizzle-orm";
import { type AttachmentRef, deliveries, outbox, preferences } from "../db/schema.ts";
import type { Values } from "./engine.ts";
import { afterQuietHours } from "./quiet-hours.ts";
import { CATEGORY_OF } from "./recipients.ts";
import type { Locale } from "./render.ts";
import { DEFAULT_SMS_SEGMENT_POISHA } from "./segments.ts";
import { segmentPriceOf } from "./sms-price.ts";
import { tenantText } from "./template-versions.ts";
import { renderFor, type TemplateKey, type TemplateText } from "./templates.ts";

export type ChannelName = "email" | "sms" | "in_app";

/** One message an event asks for. */
export interface Wanted {
  channel: ChannelName;
  recipientId: string | null;
  address: string;
  template: TemplateKey;
  /** Values by language (dates and numbers differ between `bn` and `en`). */
  values: (locale: Locale) => Values;
  /** Files to attach (e-mail only). */
  attachments?: AttachmentRef[] | undefined;
  /** The user who asked for it: its attachments are read as them when it is sent. */
  requestedBy?: string | undefined;
  /** Their reads, which the token attachments are read with carries. */
  requestedPermissions?: string[] | undefined;
}

/** An address is e-mail when it has an `@`, else a mobile number (SMS). */
export const channelOfAddress = (address: string): ChannelName => (address.includes("@") ? "email" : "sms");

type Prefs = typeof preferences.$inferSelect;

async function preferencesOf(tx: Tx, userId: string | null): Promise<Prefs | undefined> {
  if (!userId) {
    return undefined;
  }
  const [row] = await tx.select().from(preferences).where(eq(preferences.userId, userId)).limit(1);
  return row;
}

/** The recipient's chosen language, else the service's default. */
export async function localeOf(tx: Tx, userId: string | null, fallback: Locale): Promise<Locale> {
  return (await preferencesOf(tx, userId))?.locale ?? fallback;
}

export interface QueueSettings {
  defaultLocale: Locale;
  clock: () => Date;
  /** The price of one SMS segment in poisha (each SMS records its cost). */
  smsSegmentPoisha?: number | undefined;
}

/** The messages one event asks for. */
export interface Requested {
  event: Pick<CloudEvent, "id" | "tenantid">;
  wanted: readonly Wanted[];
}

/** Renders and records the messages `event` asks for (see enqueueMany). */
export const enqueue = (
  tx: Tx,
  event: Pick<CloudEvent, "id" | "tenantid">,
  wanted: readonly Wanted[],
  settings: QueueSettings,
): Promise<number> => enqueueMany(tx, [{ event, wanted }], settings);

// Rows per INSERT (about 20 parameters each, far below PostgreSQL's 65,535) and events per emitMany.
const CHUNK = 500;

/**
 * Renders and records the messages events ask for, in the consumer's transaction (with its inbox
 * claim): a redelivered event inserts nothing (unique per event, channel and address). Email and SMS
 * wait `queued` for the dispatcher, which sends them outside any transaction; in-app messages are
 * delivered by being stored. The recipient's preferences apply to e-mail and SMS outside the security
 * category: during their quiet hours (Dhaka) a message waits queued until they end; with the daily
 * digest chosen, no instant mail is recorded (the digest lists the in-app copy).
 *
 * Set-based, for a consumer batch of one tenant: the recipients' preferences in one query, each
 * template's tenant text once, every message in one INSERT and every event in one emitMany (per 500),
 * whatever the number of events. Returns how many messages were recorded.
 */
export async function enqueueMany(tx: Tx, requested: readonly Requested[], settings: QueueSettings) {
  const now = settings.clock();
  // The tenant's own price of an SMS segment when it set one, else the deployment's: read once per tenant.
  const fallback = settings.smsSegmentPoisha ?? DEFAULT_SMS_SEGMENT_POISHA;
  const prices = new Map<string, number>();
  const priceOf = async (tenantId: string) => {
    let price = prices.get(tenantId);
    if (price === undefined) {
      price = (await segmentPriceOf(tx, tenantId, fallback)).poisha;
      prices.set(tenantId, price);
    }
    return price;
  };
  const recipients = [
    ...new Set(requested.flatMap((r) => r.wanted.flatMap((w) => (w.recipientId ? [w.recipientId] : [])))),
  ];
  const prefs = new Map<string, Prefs>();
  for (let i = 0; i < recipients.length; i += CHUNK) {
    const rows = await tx
      .select()
      .from(preferences)
      .where(inArray(preferences.userId, recipients.slice(i, i + CHUNK)));
    for (const row of rows) {
      prefs.set(row.userId, row);
    }
  }
  // The tenant's text of each template and language, read once.
  const texts = new Map<string, TemplateText | undefined>();
  const textOf = async (template: TemplateKey, locale: Locale) => {
    const key = `${template}:${locale}`;
    if (!texts.has(key)) {
      texts.set(key, await tenantText(tx, template, locale));
    }
    return texts.get(key);
  };
  const rows: (typeof deliveries.$inferInsert)[] = [];
  const wants = new Map<string, Wanted>();
  for (const { event, wanted } of requested) {
    for (const want of wanted) {
      const key = `${event.id}|${want.channel}|${want.address}`;
      if (wants.has(key)) {
        continue;
      }
      const mine = want.recipientId ? prefs.get(want.recipientId) : undefined;
      const locale = mine?.locale ?? settings.defaultLocale;
      const inApp = want.channel === "in_app";
      const critical = CATEGORY_OF[want.template] === "security";
      if (!critical && mine?.digest && want.channel === "email" && want.template !== "daily_digest") {
        continue;
      }
      const due = inApp || critical || !mine ? now : afterQuietHours(now, mine.quietStart, mine.quietEnd);
      // Each channel has its own part of the template: the mail, a short SMS, an in-app title and body.
      const message = renderFor(
        want.channel,
        want.template,
        locale,
        want.values(locale),
        await textOf(want.template, locale),
      );
      const segments = message.segments?.segments ?? null;
      wants.set(key, want);
      rows.push({
        tenantId: event.tenantid,
        eventId: event.id,
        channel: want.channel,
        recipientId: want.recipientId,
        address: want.address,
        templateKey: want.template,
        locale,
        subject: message.subject,
        bodyText: message.text,
        bodyHtml: message.html,
        status: inApp ? "sent" : "queued",
        createdAt: now,
        nextAttemptAt: due,
        attachments: want.attachments ?? null,
        requestedBy: want.requestedBy ?? null,
        requestedPermissions: want.requestedPermissions ?? null,
        sentAt: inApp ? now : null,
        segments,
        costPoisha: segments === null ? null : segments * (await priceOf(event.tenantid)),
      });
    }
  }
  const recorded: {
    id: string;
    tenantId: string;
    row: { segments: number | null; costPoisha: number | null };
    want: Wanted;
  }[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await tx
      .insert(deliveries)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing()
      .returning({
        id: deliveries.id,
        tenantId: deliveries.tenantId,
        eventId: deliveries.eventId,
        channel: deliveries.channel,
        address: deliveries.address,
        segments: deliveries.segments,
        costPoisha: deliveries.costPoisha,
      });
    for (const r of inserted) {
      const want = wants.get(`${r.eventId}|${r.channel}|${r.address}`);
      if (want) {
        recorded.push({ id: r.id, tenantId: r.tenantId, row: r, want });
      }
    }
  }
  const events = recorded.flatMap(({ id, tenantId, row, want }) => {
    const data = {
      id,
      channel: want.channel,
      recipient: want.recipientId ?? want.address,
      templateKey: want.template,
      ...(row.segments == null ? {} : { segments: row.segments, costPoisha: row.costPoisha }),
    };
    // An in-app message is delivered by being stored: it is never queued, so its one event is `sent`
    // (with whom it is for and its template); e-mail and SMS are `queued` until the dispatcher sends them.
    const type =
      want.channel === "in_app"
        ? ("vextrus.notification.delivery.sent" as const)
        : ("vextrus.notification.delivery.queued" as const);
    return [{ subject: id, tenantId, actorId: null, type, data }];
  });
  for (let i = 0; i < events.length; i += CHUNK) {
    await emitMany(tx, outbox, events.slice(i, i + CHUNK));
  }
  return recorded.length;
}
