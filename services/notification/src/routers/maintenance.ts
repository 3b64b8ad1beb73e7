import { MAINTENANCE_PERMISSION, MaintenanceInput, PruneResult } from "@vextrus/events";
import { z } from "zod";
import { pruneOutbox, sendDailyDigests } from "../domain/maintenance.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** A digest run: the Dhaka day it covered and how many digests it queued. */
const DigestResult = z.object({
  day: z.string().describe("the Dhaka day covered, YYYY-MM-DD"),
  queued: z.number().int().min(0),
});

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
  sendDigests: tenantProcedure
    .meta({ permission: MAINTENANCE_PERMISSION })
    .input(MaintenanceInput)
    .output(DigestResult)
    .mutation(({ ctx }) => sendDailyDigests({ ctx })),
});
