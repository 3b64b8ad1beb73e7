import type { SchedulerContext } from "../deps.ts";
import { ensurePlatformJobs } from "./platform-jobs.ts";

/**
 * Gives every tenant the platform jobs of its scope it lacks (tenants made before the scheduler, or
 * before a job was declared). Idempotent: a job's key is its idempotency key. One tenant transaction
 * per tenant; the directory is read between them, never inside one.
 */
export async function backfillPlatformJobs({ ctx }: { ctx: SchedulerContext }) {
  const call = { requestId: ctx.requestId, traceparent: ctx.traceparent, authorization: ctx.authorization };
  let cursor: string | undefined;
  let tenants = 0;
  let added = 0;
  do {
    const page = await ctx.deps.tenants(call, cursor);
    for (const tenantId of page.ids) {
      tenants++;
      added += await ctx.deps.db.tenant(tenantId, (tx) => ensurePlatformJobs(tx, tenantId, ctx.deps.clock()));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (added > 0) {
    ctx.log.info("platform jobs backfilled", { tenants, added });
  }
  return { tenants, added };
}
