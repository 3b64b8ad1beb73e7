import { emit } from "@vextrus/events";
import { AppError, invalidField } from "@vextrus/platform";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { deliveries, outbox } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { type ChannelName, channelOfAddress, localeOf } from "./queue.ts";
import { dhakaTime, type Locale } from "./render.ts";
import { DEFAULT_SMS_SEGMENT_POISHA } from "./segments.ts";
import { segmentPriceOf } from "./sms-price.ts";
import { tenantText } from "./template-versions.ts";
import { renderFor, type TemplateKey } from "./templates.ts";

/**
 * A secret link auth asks to hand to its owner: an invitation, a password reset or a contact
 * verification. Only auth may call (`platform:notification:secret`, which no tenant role can hold).
 */
export const DeliverSecretInput = z.strictObject({
  purpose: z.enum(["invite", "reset", "verify"]),
  /** The secret's row in auth (its id, never the secret): the idempotency key. */
  secretId: z.uuid(),
  userId: z.uuid(),
  /** An e-mail address, or a mobile number (`+8801…`) for an SMS. */
  address: z.string().trim().min(3).max(254),
  token: z.string().min(16).max(500),
  expiresAt: z.date(),
});
export type DeliverSecretInput = z.infer<typeof DeliverSecretInput>;

const PAGES: Record<DeliverSecretInput["purpose"], { template: TemplateKey; page: string }> = {
  invite: { template: "invitation", page: "accept-invite" },
  reset: { template: "password_reset", page: "reset-password" },
  verify: { template: "contact_verification", page: "verify-contact" },
};

/**
 * The console page that takes the secret: `<PUBLIC_URL>/<page>?token=<token>` (the console's
 * `/accept-invite` and `/reset-password` pages read `?token=`; `/verify-contact` is the page a
 * verification link opens).
 */
export function secretLink(publicUrl: string, purpose: DeliverSecretInput["purpose"], token: string) {
  return `${publicUrl.replace(/\/$/, "")}/${PAGES[purpose].page}?token=${encodeURIComponent(token)}`;
}

const WITHHELD: Record<Locale, string> = {
  en: "[link withheld: sent only to the recipient]",
  bn: "[লিংক গোপন: শুধু প্রাপককে পাঠানো হয়েছে]",
};

const MOBILE = /^\+8801[3-9]\d{8}$/;

const notDelivered = (reason: string) =>
  new AppError("UNAVAILABLE", "notification.secret.not_delivered", {
    en: `The message could not be delivered now (${reason}); ask for a new link later`,
    bn: `বার্তাটি এখন পাঠানো যায়নি (${reason}); পরে আবার নতুন লিংক চান`,
  });

/**
 * Sends a secret link at once, outside any transaction, and records it with the link withheld (the
 * stored subject and body never hold the secret, and the dispatcher never sends a withheld row).
 * Idempotent per secret: a repeated call for a sent one sends nothing; one after a failure sends again.
 */
export async function deliverSecret({ ctx, input }: { ctx: NotifyContext; input: DeliverSecretInput }) {
  const channel: ChannelName = channelOfAddress(input.address);
  if (channel === "sms" && !MOBILE.test(input.address)) {
    throw invalidField("address", "notification.secret.address", {
      en: "address must be an e-mail address or a Bangladeshi mobile number (+8801…)",
      bn: "ঠিকানা একটি ই-মেইল বা বাংলাদেশি মোবাইল নম্বর (+৮৮০১…) হতে হবে",
    });
  }
  const { deps } = ctx;
  const now = deps.clock();
  const { template, page } = PAGES[input.purpose];
  const claimed = await deps.db.tenant(ctx.tenantId, async (tx) => {
    const key = and(
      eq(deliveries.eventId, input.secretId),
      eq(deliveries.channel, channel),
      eq(deliveries.address, input.address),
    );
    const [existing] = await tx.select().from(deliveries).where(key).for("update");
    if (existing?.status === "sent") {
      return undefined;
    }
    const locale = await localeOf(tx, input.userId, deps.settings.defaultLocale);
    const values = { link: WITHHELD[locale], expires: dhakaTime(input.expiresAt.toISOString(), locale) };
    const version = await tenantText(tx, template, locale);
    const stored = renderFor(channel, template, locale, values, version);
    if (existing) {
      await tx
        .update(deliveries)
        .set({ attempts: existing.attempts + 1 })
        .where(eq(deliveries.id, existing.id));
      return { id: existing.id, locale, values, version, attempts: existing.attempts + 1 };
    }
    const [row] = await tx
      .insert(deliveries)
      .values({
        tenantId: ctx.tenantId,
        eventId: input.secretId,
        channel,
        recipientId: input.userId,
        address: input.address,
        templateKey: template,
        locale,
        subject: stored.subject,
        bodyText: stored.text,
        bodyHtml: stored.html,
        status: "queued",
        attempts: 1,
        withheld: true,
        createdAt: now,
        nextAttemptAt: now,
      })
      .returning({ id: deliveries.id });
    if (!row) {
      throw new Error("delivery not recorded");
    }
    await emit(tx, outbox, {
      type: "vextrus.notification.delivery.queued",
      subject: row.id,
      tenantId: ctx.tenantId,
      actorId: null,
      data: { id: row.id, channel, recipient: input.userId, templateKey: template },
    });
    return { id: row.id, locale, values, version, attempts: 1 };
  });
  if (!claimed) {
    return { sent: true as const, repeated: true };
  }
  const link = secretLink(deps.settings.publicUrl, input.purpose, input.token);
  const message = renderFor(channel, template, claimed.locale, { ...claimed.values, link }, claimed.version);
  const outcome = await deps.channels[channel === "sms" ? "sms" : "email"]
    .send({
      id: claimed.id,
      to: input.address,
      subject: message.subject,
      text: message.text,
      html: message.html,
    })
    .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  await deps.db.tenant(ctx.tenantId, async (tx) => {
    const common = { subject: claimed.id, tenantId: ctx.tenantId, actorId: null };
    if (outcome instanceof Error) {
      const error = outcome.message.slice(0, 1000);
      await tx
        .update(deliveries)
        .set({ status: "failed", lastError: error })
        .where(eq(deliveries.id, claimed.id));
      await emit(tx, outbox, {
        ...common,
        type: "vextrus.notification.delivery.failed",
        data: { id: claimed.id, channel, error },
      });
      return;
    }
    const fallback = deps.settings.smsSegmentPoisha ?? DEFAULT_SMS_SEGMENT_POISHA;
    const price =
      outcome.segments === undefined ? undefined : await segmentPriceOf(tx, ctx.tenantId, fallback);
    await tx
      .update(deliveries)
      .set({
        status: "sent",
        sentAt: deps.clock(),
        providerId: outcome.providerId,
        segments: outcome.segments ?? null,
        costPoisha:
          outcome.segments === undefined || price === undefined ? null : outcome.segments * price.poisha,
        lastError: null,
      })
      .where(eq(deliveries.id, claimed.id));
    await emit(tx, outbox, {
      ...common,
      type: "vextrus.notification.delivery.sent",
      data: { id: claimed.id, channel },
    });
  });
  if (outcome instanceof Error) {
    ctx.log.warn("secret link not accepted by its channel", { id: claimed.id, page, error: outcome.message });
    throw notDelivered(channel === "sms" ? "SMS gateway" : "mail server");
  }
  return { sent: true as const, repeated: false };
}
