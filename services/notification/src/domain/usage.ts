import { fromPoisha } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { deliveries } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";
import { DEFAULT_SMS_SEGMENT_POISHA } from "./segments.ts";
import { segmentPriceOf } from "./sms-price.ts";

const Day = z.iso.date();

/** Dhaka calendar days, both included, at most a year. */
export const SmsUsageInput = z.strictObject({ from: Day, to: Day });

const DAY_MS = 24 * 3_600_000;
// Asia/Dhaka is UTC+6 all year: a Dhaka day starts at 18:00 UTC the day before.
const dhakaStart = (day: string) => new Date(Date.parse(`${day}T00:00:00+06:00`));

/**
 * What the tenant's SMS cost, per Dhaka day of sending: messages the gateway accepted (sent, then
 * delivered or bounced: each is billed), their segments and the cost recorded with each (segments ×
 * the per-segment price when it was recorded), as exact decimal taka. Days without SMS are left out.
 * Each day and the total say which per-segment prices those costs were recorded at (`perSegment`), and
 * `price` which applies now: the tenant's own (`usage.setSmsPrice`) or the deployment's default.
 */
export function smsUsage({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof SmsUsageInput> }) {
  const from = dhakaStart(input.from);
  const to = new Date(dhakaStart(input.to).getTime() + DAY_MS);
  if (to <= from || to.getTime() - from.getTime() > 366 * DAY_MS) {
    throw invalidField("to", "notification.usage.range", {
      en: "to must be on or after from, at most 366 days later",
      bn: "to অবশ্যই from-এর দিন বা পরে হবে, সর্বোচ্চ ৩৬৬ দিন পরে",
    });
  }
  const fallback = ctx.deps.settings.smsSegmentPoisha ?? DEFAULT_SMS_SEGMENT_POISHA;
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      // Each row's cost is its segments × the per-segment price when it was recorded: the prices
      // that applied are the distinct quotients (exact: the cost is a whole multiple).
      const rows = rowsOf<{
        day: string;
        messages: number;
        segments: number;
        cost: string;
        prices: string[];
      }>(
        await tx.execute(sql`
          select to_char(sent_at at time zone 'Asia/Dhaka', 'YYYY-MM-DD') as day, count(*)::int as messages,
            coalesce(sum(segments), 0)::int as segments, coalesce(sum(cost_poisha), 0)::text as cost,
            coalesce(array_agg(distinct (cost_poisha / segments)::text)
              filter (where segments > 0 and cost_poisha is not null), '{}') as prices
          from ${deliveries}
          where channel = 'sms' and status in ('sent', 'delivered', 'bounced')
            and sent_at >= ${from.toISOString()}::timestamptz and sent_at < ${to.toISOString()}::timestamptz
          group by 1 order by 1`),
      );
      const taka = (prices: Iterable<string>) =>
        [...new Set(prices)]
          .map(BigInt)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .map(fromPoisha);
      const days = rows.map((r) => ({
        day: r.day,
        messages: r.messages,
        segments: r.segments,
        cost: fromPoisha(BigInt(r.cost)),
        perSegment: taka(r.prices),
      }));
      const price = await segmentPriceOf(tx, ctx.tenantId, fallback);
      const total = rows.reduce(
        (sum, r) => ({
          messages: sum.messages + r.messages,
          segments: sum.segments + r.segments,
          poisha: sum.poisha + BigInt(r.cost),
        }),
        { messages: 0, segments: 0, poisha: 0n },
      );
      return {
        from: input.from,
        to: input.to,
        days,
        total: {
          messages: total.messages,
          segments: total.segments,
          cost: fromPoisha(total.poisha),
          perSegment: taka(rows.flatMap((r) => r.prices)),
        },
        price: {
          perSegment: fromPoisha(BigInt(price.poisha)),
          source: price.source,
          defaultPerSegment: fromPoisha(BigInt(fallback)),
        },
      };
    },
    { readOnly: true },
  );
}
