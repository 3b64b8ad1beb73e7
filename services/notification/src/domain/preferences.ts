import { conflict } from "@vextrus/platform";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { preferences } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";

export const SetPreferencesInput = z.strictObject({
  locale: z.enum(["bn", "en"]),
  /** The version read (0 when there were none yet). */
  expectedVersion: z.number().int().min(0),
});

const stale = (current: number) =>
  conflict("notification.preferences.stale", {
    en: `Your preferences were changed elsewhere (they are at version ${current}); reload and try again`,
    bn: `আপনার পছন্দগুলো অন্য কোথাও পরিবর্তন করা হয়েছে (এখন সংস্করণ ${current}); পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

const own = (ctx: NotifyContext) => eq(preferences.userId, ctx.principal.userId);

/** The caller's preferences (version 0 and no locale when never set: the service default applies). */
export function getPreferences({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx.select().from(preferences).where(own(ctx));
      return { locale: row?.locale ?? null, version: row?.version ?? 0 };
    },
    { readOnly: true },
  );
}

/** Sets the caller's language for messages; CONFLICT when `expectedVersion` is not the current one. */
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
    if (!row) {
      const [created] = await tx
        .insert(preferences)
        .values({
          tenantId: ctx.tenantId,
          userId: ctx.principal.userId,
          locale: input.locale,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!created) {
        throw stale(1);
      }
      return { locale: created.locale, version: created.version };
    }
    const [updated] = await tx
      .update(preferences)
      .set({ locale: input.locale, version: current + 1, updatedAt: now })
      .where(and(own(ctx), eq(preferences.version, current)))
      .returning();
    if (!updated) {
      throw stale(current + 1);
    }
    return { locale: updated.locale, version: updated.version };
  });
}
