import {
  ById,
  CreateJobInput,
  createJob,
  getJob,
  ListJobsInput,
  listJobs,
  pauseJob,
  resumeJob,
  UpdateJobInput,
  updateJob,
  Versioned,
} from "../domain/jobs.ts";
import { JobPage, JobResult, RetryResult } from "../domain/results.ts";
import { retryJob } from "../domain/runs.ts";
import { router, tenantProcedure } from "../trpc.ts";

const READ = "scheduler:job:read";
const WRITE = "scheduler:job:write";

export const jobsRouter = router({
  list: tenantProcedure
    .meta({ permission: READ })
    .input(ListJobsInput)
    .output(JobPage)
    .query(({ ctx, input }) => listJobs({ ctx, input })),
  get: tenantProcedure
    .meta({ permission: READ })
    .input(ById)
    .output(JobResult)
    .query(({ ctx, input }) => getJob({ ctx, input })),
  create: tenantProcedure
    .meta({ permission: WRITE })
    .input(CreateJobInput)
    .output(JobResult)
    .mutation(({ ctx, input }) => createJob({ ctx, input })),
  update: tenantProcedure
    .meta({ permission: WRITE })
    .input(UpdateJobInput)
    .output(JobResult)
    .mutation(({ ctx, input }) => updateJob({ ctx, input })),
  pause: tenantProcedure
    .meta({ permission: WRITE })
    .input(Versioned)
    .output(JobResult)
    .mutation(({ ctx, input }) => pauseJob({ ctx, input })),
  resume: tenantProcedure
    .meta({ permission: WRITE })
    .input(Versioned)
    .output(JobResult)
    .mutation(({ ctx, input }) => resumeJob({ ctx, input })),
  retry: tenantProcedure
    .meta({ permission: WRITE })
    .input(Versioned)
    .output(RetryResult)
    .mutation(({ ctx, input }) => retryJob({ ctx, input })),
});
