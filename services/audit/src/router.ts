import { VerifyResult } from "./domain/results.ts";
import { VerifyInput, verifyChain } from "./domain/verify.ts";
import { eventsRouter } from "./routers/events.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { router, tenantProcedure } from "./trpc.ts";

export const auditRouter = router({
  maintenance: maintenanceRouter,
  events: eventsRouter,
  /** Recomputes the caller's hash chain: `{ ok, checked, firstBrokenSeq? }`. */
  verify: tenantProcedure
    .meta({ permission: "audit:event:read" })
    .input(VerifyInput)
    .output(VerifyResult)
    .query(({ ctx, input }) => verifyChain({ ctx, input })),
});

export type AuditRouter = typeof auditRouter;
