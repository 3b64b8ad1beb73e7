import { MAINTENANCE_PERMISSION, MaintenanceInput, PruneResult } from "@vextrus/events";
import { pruneOutbox } from "../domain/maintenance.ts";
import { router, tenantProcedure } from "../trpc.ts";

/**
 * Platform housekeeping across every tenant, run by the scheduler's platform jobs with
 * `platform:maintenance:run` (no tenant role can grant it).
 */
export const maintenanceRouter = router({
  pruneOutbox: tenantProcedure
    .meta({ permission: MAINTENANCE_PERMISSION })
    .input(MaintenanceInput)
    .output(PruneResult)
    .mutation(({ ctx }) => pruneOutbox({ ctx })),
});
