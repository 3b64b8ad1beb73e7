import { jobsRouter } from "./routers/jobs.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { runsRouter } from "./routers/runs.ts";
import { router } from "./trpc.ts";

export const schedulerRouter = router({
  maintenance: maintenanceRouter,
  jobs: jobsRouter,
  runs: runsRouter,
});

export type SchedulerRouter = typeof schedulerRouter;
