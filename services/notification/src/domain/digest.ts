import { createHash } from "node:crypto";
import { toBengaliDigits } from "@vextrus/bd";
import type { CloudEvent } from "@vextrus/events";
import { type Database, rowsOf } from "@vextrus/platform/db";
import { and, asc, eq, gte, inArray, lt, notInArray, sql } from "drizzle-orm";
import { deliveries, preferences } from "../db/schema.ts";
import type { NotificationDeps } from "../deps.ts";
import { contactsOf } from "./directory.ts";
import { enqueue } from "./queue.ts";
import { dhakaDay } from "./quiet-hours.ts";
import { CATEGORY_OF } from "./recipients.ts";
import { count, type Locale } from "./render.ts";
import { TEMPLATE_KEYS } from "./templates.ts";

/** Security messages are never held for a digest, so a digest does not repeat them. */
const SECURITY = TEMPLATE_KEYS.filter((k) => CATEGORY_OF[k] === "security" || k === "daily_digest");

/** A stable UUID for one user's digest of one day: the delivery's idempotency key. */
function digestId(tenantId: string, userId: string, day: string): string {
  const h = createHash("sha256").update(`digest:${tenantId}:${userId}:${day}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const clock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Dhaka",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const dayName = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Dhaka",
  day: "numeric",
  month: "short",
  year: "numeric",
});
const local = (text: string, locale: Locale) => (locale === "bn" ? toBengaliDigits(text) : text);

/**
 * The daily digest (a scheduler platform job): for the Dhaka day before `now`, every user who chose
 * the digest and received in-app messages that day gets one mail listing them (security messages
 * excluded: those went out at once). Idempotent per (tenant, user, day): running it again mails
 * nobody twice. Returns how many digests were queued.
 */
export async function sendDigests(
  deps: Pick<NotificationDeps, "db" | "settings">,
  now: Date,
): Promise<{ day: string; queued: number }> {
  const { day, from, to } = dhakaDay(new Date(now.getTime() - 24 * 3_600_000));
  const db: Database = deps.db;
  const candidates = await db.privileged(async (tx) =>
    rowsOf<{ tenant_id: string; recipient_id: string }>(
      await tx.execute(sql`
        select distinct tenant_id, recipient_id from ${deliveries}
        where channel = 'in_app' and recipient_id is not null
          and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`),
    ),
  );
  const byTenant = new Map<string, string[]>();
  for (const c of candidates) {
    byTenant.set(c.tenant_id, [...(byTenant.get(c.tenant_id) ?? []), c.recipient_id]);
  }
  let queued = 0;
  for (const [tenantId, userIds] of byTenant) {
    queued += await db.tenant(tenantId, async (tx) => {
      const chose = await tx
        .select({ userId: preferences.userId })
        .from(preferences)
        .where(and(eq(preferences.digest, true), inArray(preferences.userId, userIds)));
      const known = await contactsOf(
        tx,
        chose.map((c) => c.userId),
      );
      let n = 0;
      for (const { userId } of chose) {
        const contact = known.get(userId);
        if (!contact?.email || !contact.active) {
          continue;
        }
        const items = await tx
          .select({ subject: deliveries.subject, createdAt: deliveries.createdAt })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.channel, "in_app"),
              eq(deliveries.recipientId, userId),
              gte(deliveries.createdAt, from),
              lt(deliveries.createdAt, to),
              notInArray(deliveries.templateKey, SECURITY),
            ),
          )
          .orderBy(asc(deliveries.createdAt), asc(deliveries.id));
        if (items.length === 0) {
          continue;
        }
        const event = { id: digestId(tenantId, userId, day), tenantid: tenantId } as CloudEvent;
        n += await enqueue(
          tx,
          event,
          [
            {
              channel: "email",
              recipientId: userId,
              address: contact.email,
              template: "daily_digest",
              values: (locale) => ({
                date: local(dayName.format(from), locale),
                count: count(items.length, locale),
                items: items.map((i) => ({
                  subject: i.subject,
                  time: local(clock.format(i.createdAt), locale),
                })),
                link: `${deps.settings.publicUrl.replace(/\/$/, "")}/inbox`,
              }),
            },
          ],
          {
            defaultLocale: deps.settings.defaultLocale,
            clock: () => now,
            smsSegmentPoisha: deps.settings.smsSegmentPoisha,
          },
        );
      }
      return n;
    });
  }
  return { day, queued };
}
