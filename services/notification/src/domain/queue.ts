import { type CloudEvent, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { deliveries, outbox, preferences } from "../db/schema.ts";
import type { Values } from "./engine.ts";
import type { Locale } from "./render.ts";
import { tenantText } from "./template-versions.ts";
import { type Rendered, render, type TemplateKey } from "./templates.ts";

export type ChannelName = "email" | "sms" | "in_app";

/** One message an event asks for. */
export interface Wanted {
  channel: ChannelName;
  recipientId: string | null;
  address: string;
  template: TemplateKey;
  /** Values by language (dates and numbers differ between `bn` and `en`). */
  values: (locale: Locale) => Values;
}

/** An address is e-mail when it has an `@`, else a mobile number (SMS). */
export const channelOfAddress = (address: string): ChannelName => (address.includes("@") ? "email" : "sms");

/** The recipient's chosen language, else the service's default. */
export async function localeOf(tx: Tx, userId: string | null, fallback: Locale): Promise<Locale> {
  if (!userId) {
    return fallback;
  }
  const [row] = await tx
    .select({ locale: preferences.locale })
    .from(preferences)
    .where(eq(preferences.userId, userId))
    .limit(1);
  return row?.locale ?? fallback;
}

/**
 * Renders and records the messages `event` asks for, in the consumer's transaction (with its inbox
 * claim): a redelivered event inserts nothing (unique per event, channel and address). Email and SMS
 * wait `queued` for the dispatcher, which sends them outside any transaction; in-app messages are
 * delivered by being stored.
 */
export async function enqueue(
  tx: Tx,
  event: CloudEvent,
  wanted: readonly Wanted[],
  settings: { defaultLocale: Locale; clock: () => Date },
): Promise<number> {
  const now = settings.clock();
  let count = 0;
  for (const want of wanted) {
    const locale = await localeOf(tx, want.recipientId, settings.defaultLocale);
    const message: Rendered = render(
      want.template,
      locale,
      want.values(locale),
      await tenantText(tx, want.template, locale),
    );
    const inApp = want.channel === "in_app";
    const [row] = await tx
      .insert(deliveries)
      .values({
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
        nextAttemptAt: now,
        sentAt: inApp ? now : null,
      })
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    if (!row) {
      continue;
    }
    count += 1;
    const common = { subject: row.id, tenantId: event.tenantid, actorId: null };
    await emit(tx, outbox, {
      ...common,
      type: "vextrus.notification.delivery.queued",
      data: {
        id: row.id,
        channel: want.channel,
        recipient: want.recipientId ?? want.address,
        templateKey: want.template,
      },
    });
    if (inApp) {
      await emit(tx, outbox, {
        ...common,
        type: "vextrus.notification.delivery.sent",
        data: { id: row.id, channel: want.channel },
      });
    }
  }
  return count;
}
