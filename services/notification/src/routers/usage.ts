import { SmsUsage } from "../domain/results.ts";
import { SmsUsageInput, smsUsage } from "../domain/usage.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** What the tenant's messages cost. */
export const usageRouter = router({
  /** SMS sent per Dhaka day: messages, segments, cost in taka (segments × the per-segment price). */
  sms: tenantProcedure
    .meta({ permission: "notification:usage:read" })
    .input(SmsUsageInput)
    .output(SmsUsage)
    .query(({ ctx, input }) => smsUsage({ ctx, input })),
});
