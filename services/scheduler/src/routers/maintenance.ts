import { MAINTENANCE_PERMISSION, MaintenanceInput, PruneResult } from "@vextrus/events";
import { z } from "zod";
import { backfillPlatformJobs } from "../domain/backfill.ts";
import { pruneOutbox } from "../domain/maintenance.ts";
import { router, tenantProcedure } from "../trpc.ts";

const BackfillResult = z.object({ tenants: z.number().int().min(0), added: z.number().int().min(0) });

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
  /** Gives every tenant (listed by organization, so the caller also needs `platform:tenant:read`) its platform jobs. */
  backfillPlatformJobs: tenantProcedure
    .meta({ permission: MAINTENANCE_PERMISSION })
    .input(MaintenanceInput)
    .output(BackfillResult)
    .mutation(({ ctx }) => backfillPlatformJobs({ ctx })),
});
