import { fromPoisha, Money, toPoisha } from "@vextrus/bd";
import { emit } from "@vextrus/events";
import { conflict } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { outbox, smsPrices } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { DEFAULT_SMS_SEGMENT_POISHA } from "./segments.ts";

/**
 * The most a tenant may set as the price of one SMS segment: ৳10.00. Bangladeshi gateways bill
 * ৳0.25–0.60 per segment and international routes a few taka; anything above is a typing mistake
 * (e.g. the price of a thousand SMS entered as the price of one).
 */
export const MAX_SMS_SEGMENT_POISHA = 1000n;

/** A price per segment: decimal taka (`"0.40"`), not negative, at most ৳10.00. */
export const SegmentPrice = Money.refine((amount) => !amount.startsWith("-"), {
  message: "must not be negative",
  params: { code: "notification.sms_price.negative", messageBn: "ঋণাত্মক হতে পারে না" },
}).refine((amount) => amount.startsWith("-") || toPoisha(amount) <= MAX_SMS_SEGMENT_POISHA, {
  message: "must be at most 10.00 taka per segment",
  params: { code: "notification.sms_price.too_high", messageBn: "প্রতি সেগমেন্টে সর্বোচ্চ ১০.০০ টাকা হতে পারে" },
});

export const SetSmsPriceInput = z.strictObject({
  /** Taka per segment; null goes back to the deployment's price. */
  perSegment: SegmentPrice.nullable(),
  /** The version `usage.smsPrice` answered (0 when the tenant never set one). */
  expectedVersion: z.number().int().min(0),
});

export interface SmsPriceView {
  /** The price that applies now, decimal taka per segment. */
  perSegment: string;
  /** `tenant`: the tenant's own price; `default`: the deployment's (`SMS_SEGMENT_COST_POISHA`). */
  source: "tenant" | "default";
  /** The deployment's price, decimal taka per segment. */
  defaultPerSegment: string;
  version: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

type Row = typeof smsPrices.$inferSelect;

const defaultOf = (ctx: NotifyContext) => ctx.deps.settings.smsSegmentPoisha ?? DEFAULT_SMS_SEGMENT_POISHA;

function view(row: Row | undefined, fallback: number): SmsPriceView {
  const own = row?.segmentPoisha ?? null;
  return {
    perSegment: fromPoisha(BigInt(own ?? fallback)),
    source: own === null ? "default" : "tenant",
    defaultPerSegment: fromPoisha(BigInt(fallback)),
    version: row?.version ?? 0,
    updatedBy: row?.updatedBy ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

/**
 * The price of one SMS segment in poisha for the tenant of `tx` (its own when set, else `fallback`),
 * with where it came from. Read inside the transaction that records the messages.
 */
export async function segmentPriceOf(
  tx: Tx,
  tenantId: string,
  fallback: number,
): Promise<{ poisha: number; source: "tenant" | "default" }> {
  const [row] = await tx
    .select({ segmentPoisha: smsPrices.segmentPoisha })
    .from(smsPrices)
    .where(eq(smsPrices.tenantId, tenantId))
    .limit(1);
  const own = row?.segmentPoisha ?? null;
  return own === null ? { poisha: fallback, source: "default" } : { poisha: own, source: "tenant" };
}

/** The tenant's SMS price: its own, or the deployment's. */
export function getSmsPrice({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx.select().from(smsPrices).where(eq(smsPrices.tenantId, ctx.tenantId)).limit(1);
      return view(row, defaultOf(ctx));
    },
    { readOnly: true },
  );
}

const stale = (current: number) =>
  conflict("notification.sms_price.stale", {
    en: `The SMS price was changed elsewhere (it is at version ${current}); reload and try again`,
    bn: `এসএমএস মূল্য অন্য কোথাও পরিবর্তন করা হয়েছে (এখন সংস্করণ ${current}); পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

/**
 * Sets (or, with null, resets) the tenant's price of one SMS segment; CONFLICT on a stale
 * `expectedVersion`. Applies to SMS recorded from now on: what was recorded keeps its cost.
 */
export function setSmsPrice({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof SetSmsPriceInput> }) {
  const now = ctx.deps.clock();
  const segmentPoisha = input.perSegment === null ? null : Number(toPoisha(input.perSegment));
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx.select().from(smsPrices).where(eq(smsPrices.tenantId, ctx.tenantId)).for("update");
    const current = row?.version ?? 0;
    if (current !== input.expectedVersion) {
      throw stale(current);
    }
    const fields = { segmentPoisha, updatedBy: ctx.principal.userId, updatedAt: now };
    const [saved] = row
      ? await tx
          .update(smsPrices)
          .set({ ...fields, version: current + 1 })
          .where(eq(smsPrices.tenantId, ctx.tenantId))
          .returning()
      : await tx
          .insert(smsPrices)
          .values({ tenantId: ctx.tenantId, ...fields })
          .onConflictDoNothing()
          .returning();
    if (!saved) {
      throw stale(current + 1);
    }
    const fallback = defaultOf(ctx);
    const snapshot = (v: SmsPriceView) => ({
      perSegment: v.source === "tenant" ? v.perSegment : null,
      version: v.version,
    });
    const after = view(saved, fallback);
    await emit(tx, outbox, {
      type: "vextrus.notification.sms_price.updated",
      subject: ctx.tenantId,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: ctx.tenantId, before: snapshot(view(row, fallback)), after: snapshot(after) },
    });
    return after;
  });
}
