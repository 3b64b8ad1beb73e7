import { emit } from "@vextrus/events";
import { conflict } from "@vextrus/platform";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { type ChannelChoices, outbox, preferences } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { hhmmOf, minutesOf } from "./quiet-hours.ts";
import { DEFAULT_CHANNELS } from "./recipients.ts";

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (24-hour, Asia/Dhaka)");
const Outside = z.array(z.enum(["email", "sms"])).max(2);

/**
 * The caller's preferences. Fields left out keep their value. `channels`: per category, the channels
 * besides the in-app message (always stored); `quietHours` in Asia/Dhaka (e-mail and SMS wait until
 * they end; security messages do not); `digest`: one mail a day instead of instant mail.
 */
export const SetPreferencesInput = z.strictObject({
  locale: z.enum(["bn", "en"]).nullable().optional(),
  channels: z
    .strictObject({ task: Outside.optional(), process: Outside.optional(), security: Outside.optional() })
    .optional(),
  quietHours: z
    .strictObject({ start: HHMM, end: HHMM })
    .refine((q) => q.start !== q.end, { message: "start and end must differ", path: ["end"] })
    .nullable()
    .optional(),
  digest: z.boolean().optional(),
  /** The version read (0 when there were none yet). */
  expectedVersion: z.number().int().min(0),
});

const stale = (current: number) =>
  conflict("notification.preferences.stale", {
    en: `Your preferences were changed elsewhere (they are at version ${current}); reload and try again`,
    bn: `আপনার পছন্দগুলো অন্য কোথাও পরিবর্তন করা হয়েছে (এখন সংস্করণ ${current}); পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

const own = (ctx: NotifyContext) => eq(preferences.userId, ctx.principal.userId);

type Row = typeof preferences.$inferSelect;

/**
 * What `get` answers: the stored choices with the defaults filled in. The delivery choices are typed
 * optional so a client that caches only `{ locale, version }` (the console's language switch) still fits.
 */
export type PreferencesView = {
  locale: "bn" | "en" | null;
  version: number;
  channels?: Required<ChannelChoices>;
  quietHours?: { start: string; end: string } | null;
  digest?: boolean;
};

function view(row: Row | undefined): PreferencesView {
  const channels: Required<ChannelChoices> = {
    task: row?.channels.task ?? DEFAULT_CHANNELS.task,
    process: row?.channels.process ?? DEFAULT_CHANNELS.process,
    security: row?.channels.security ?? DEFAULT_CHANNELS.security,
  };
  return {
    locale: row?.locale ?? null,
    channels,
    quietHours:
      row && row.quietStart !== null && row.quietEnd !== null
        ? { start: hhmmOf(row.quietStart), end: hhmmOf(row.quietEnd) }
        : null,
    digest: row?.digest ?? false,
    version: row?.version ?? 0,
  };
}

/** The caller's preferences (version 0 when never set: the defaults apply). */
export function getPreferences({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx.select().from(preferences).where(own(ctx));
      return view(row);
    },
    { readOnly: true },
  );
}

/** Changes the caller's preferences; CONFLICT when `expectedVersion` is not the current one. */
export function setPreferences({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof SetPreferencesInput>;
}) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx.select().from(preferences).where(own(ctx)).for("update");
    const current = row?.version ?? 0;
    if (current !== input.expectedVersion) {
      throw stale(current);
    }
    const fields = {
      ...(input.locale !== undefined ? { locale: input.locale } : {}),
      ...(input.channels ? { channels: { ...row?.channels, ...input.channels } } : {}),
      ...(input.quietHours !== undefined
        ? {
            quietStart: input.quietHours ? minutesOf(input.quietHours.start) : null,
            quietEnd: input.quietHours ? minutesOf(input.quietHours.end) : null,
          }
        : {}),
      ...(input.digest !== undefined ? { digest: input.digest } : {}),
    };
    const [saved] = row
      ? await tx
          .update(preferences)
          .set({ ...fields, version: current + 1, updatedAt: now })
          .where(and(own(ctx), eq(preferences.version, current)))
          .returning()
      : await tx
          .insert(preferences)
          .values({ tenantId: ctx.tenantId, userId: ctx.principal.userId, ...fields, updatedAt: now })
          .onConflictDoNothing()
          .returning();
    if (!saved) {
      throw stale(current + 1);
    }
    const after = view(saved);
    await emit(tx, outbox, {
      type: "vextrus.notification.preference.updated",
      subject: ctx.principal.userId,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: ctx.principal.userId, before: view(row), after },
    });
    return after;
  });
}
