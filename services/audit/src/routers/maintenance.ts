import { MAINTENANCE_PERMISSION, MaintenanceInput, PruneResult } from "@vextrus/events";
import { applyRetentionPolicy } from "../domain/retention.ts";
import { router, tenantProcedure } from "../trpc.ts";

/**
 * Platform housekeeping across every tenant, run by the scheduler's platform jobs with
 * `platform:maintenance:run` (no tenant role can grant it).
 */
export const maintenanceRouter = router({
  applyRetention: tenantProcedure
    .meta({ permission: MAINTENANCE_PERMISSION })
    .input(MaintenanceInput)
    .output(PruneResult)
    .mutation(({ ctx }) => applyRetentionPolicy({ ctx })),
});
