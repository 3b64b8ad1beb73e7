import { RunPage } from "../domain/results.ts";
import { ListRunsInput, listRuns } from "../domain/runs.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const runsRouter = router({
  list: tenantProcedure
    .meta({ permission: "scheduler:job:read" })
    .input(ListRunsInput)
    .output(RunPage)
    .query(({ ctx, input }) => listRuns({ ctx, input })),
});
