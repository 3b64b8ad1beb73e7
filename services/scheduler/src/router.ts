import { jobsRouter } from "./routers/jobs.ts";
import { runsRouter } from "./routers/runs.ts";
import { router } from "./trpc.ts";

export const schedulerRouter = router({
  jobs: jobsRouter,
  runs: runsRouter,
});

export type SchedulerRouter = typeof schedulerRouter;
