import { NoInput } from "../domain/inbox.ts";
import { SmsPrice, SmsUsage } from "../domain/results.ts";
import { getSmsPrice, SetSmsPriceInput, setSmsPrice } from "../domain/sms-price.ts";
import { SmsUsageInput, smsUsage } from "../domain/usage.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** What the tenant's messages cost, and the price it pays per SMS segment. */
export const usageRouter = router({
  /** SMS sent per Dhaka day: messages, segments, cost in taka (segments × the per-segment price). */
  sms: tenantProcedure
    .meta({ permission: "notification:usage:read" })
    .input(SmsUsageInput)
    .output(SmsUsage)
    .query(({ ctx, input }) => smsUsage({ ctx, input })),
  /** The per-segment price that applies: the tenant's own, else the deployment's. */
  smsPrice: tenantProcedure
    .meta({ permission: "notification:usage:read" })
    .input(NoInput)
    .output(SmsPrice)
    .query(({ ctx }) => getSmsPrice({ ctx })),
  /** Sets the tenant's own per-segment price (taka), or with null goes back to the deployment's. */
  setSmsPrice: tenantProcedure
    .meta({ permission: "notification:usage:manage" })
    .input(SetSmsPriceInput)
    .output(SmsPrice)
    .mutation(({ ctx, input }) => setSmsPrice({ ctx, input })),
});
