/**
 * What the scheduler's procedures answer, as zod schemas (enums from the tables, via drizzle-zod): the
 * routers declare them with `.output(…)`, so the OpenAPI document describes every result. Times are
 * ISO 8601 strings here, as the job's events carry them.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { jobs, runs } from "../db/schema.ts";

const job = createSelectSchema(jobs);
const run = createSelectSchema(runs);
const Instant = z.string().describe("ISO 8601");
const Payload = z.record(z.string(), z.unknown());

export const JobResult = z.object({
  id: z.uuid(),
  name: z.string(),
  schedule: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("cron"), cron: z.string() }),
    z.object({ kind: z.literal("once"), runAt: Instant }),
    z.object({ kind: z.literal("interval"), everySeconds: z.number().int() }),
  ]),
  target: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("procedure"),
      path: z.string().describe("a procedure as a client of the gateway writes it: workflow.escalateOverdue"),
      type: z.enum(["query", "mutation"]),
      input: Payload.optional(),
    }),
    z.object({ kind: z.literal("event"), data: Payload }),
  ]),
  permissions: z.array(z.string()),
  timeoutSeconds: z.number(),
  maxAttempts: z.number().int(),
  backoffSeconds: z.number(),
  disableAfter: z.number().int(),
  catchUp: job.shape.catchUp,
  idempotencyKey: z.string().nullable(),
  status: job.shape.status,
  nextRunAt: Instant.nullable(),
  consecutiveFailures: z.number().int(),
  version: z.number().int(),
  createdAt: Instant,
  updatedAt: Instant,
});
export const JobPage = PageSchema(JobResult);
export const RetryResult = z.object({
  job: JobResult,
  requeued: z.number().int().describe("dead runs sent back"),
});

export const RunResult = z.object({
  id: z.uuid(),
  jobId: z.uuid(),
  scheduledFor: Instant.describe("the occurrence this run is for"),
  attempt: z.number().int(),
  status: run.shape.status,
  dueAt: Instant,
  startedAt: Instant.nullable(),
  finishedAt: Instant.nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export const RunPage = PageSchema(RunResult);
