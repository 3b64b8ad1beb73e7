import { findSecretField } from "@vextrus/events";
import { invalidField, jsonObject, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { type JobTarget, jobs } from "../db/schema.ts";
import type { SchedulerContext } from "../deps.ts";
import { findJob, jobView, publishJob, requireHeld, staleJob } from "./common.ts";
import { cronProblem, firstOccurrence, type Schedule } from "./schedule.ts";

const Payload = jsonObject({ maxBytes: 16_384, maxDepth: 8 }).refine((value) => !findSecretField(value), {
  message: "must not carry credential-like fields (token, password, secret…)",
});

const CronExpression = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) {
      ctx.addIssue({ code: "custom", message: `not a cron expression: ${problem}` });
    }
  });

export const ScheduleInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cron"), cron: CronExpression }),
  z.object({ kind: z.literal("once"), runAt: z.iso.datetime({ offset: true }) }),
  z.object({
    kind: z.literal("interval"),
    everySeconds: z
      .number()
      .int()
      .min(1)
      .max(31 * 86_400),
  }),
]);

export const TargetInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("procedure"),
    /** As a client of the gateway writes it: `workflow.escalateOverdue`. */
    path: z
      .string()
      .max(200)
      .regex(/^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)+$/, {
        message: "must be a procedure path like workflow.escalateOverdue",
      }),
    type: z.enum(["query", "mutation"]).default("mutation"),
    input: Payload.optional(),
  }),
  z.object({ kind: z.literal("event"), data: Payload }),
]);

const Permission = z
  .string()
  .max(120)
  .regex(/^[a-z][a-z-]*:[a-z_*]+:[a-z_*]+$/, { message: "must be a permission like workflow:task:escalate" });

const Settings = {
  timeoutSeconds: z.number().int().min(1).max(3_600),
  maxAttempts: z.number().int().min(1).max(20),
  backoffSeconds: z.number().int().min(1).max(3_600),
  disableAfter: z.number().int().min(1).max(100),
  catchUp: z.enum(["none", "last", "all"]),
};

export const CreateJobInput = z.object({
  name: z.string().trim().min(1).max(200),
  schedule: ScheduleInput,
  target: TargetInput,
  /** What the job's service credential may do; each must be one its creator holds. */
  permissions: z.array(Permission).max(20).default([]),
  timeoutSeconds: Settings.timeoutSeconds.default(60),
  maxAttempts: Settings.maxAttempts.default(3),
  backoffSeconds: Settings.backoffSeconds.default(10),
  disableAfter: Settings.disableAfter.default(5),
  catchUp: Settings.catchUp.default("last"),
  /** Creating again with the same key answers the first job instead of a second one. */
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
});
export type CreateJobInput = z.infer<typeof CreateJobInput>;

export const UpdateJobInput = z.object({
  id: z.uuid(),
  expectedVersion: z.number().int().min(1),
  name: z.string().trim().min(1).max(200).optional(),
  schedule: ScheduleInput.optional(),
  target: TargetInput.optional(),
  permissions: z.array(Permission).max(20).optional(),
  timeoutSeconds: Settings.timeoutSeconds.optional(),
  maxAttempts: Settings.maxAttempts.optional(),
  backoffSeconds: Settings.backoffSeconds.optional(),
  disableAfter: Settings.disableAfter.optional(),
  catchUp: Settings.catchUp.optional(),
});

export const ById = z.object({ id: z.uuid() });
export const Versioned = z.object({ id: z.uuid(), expectedVersion: z.number().int().min(1) });
export const ListJobsInput = z.object({
  ...pageInput(),
  status: z.enum(["active", "paused", "disabled"]).optional(),
});

type ScheduleIn = z.infer<typeof ScheduleInput>;

const toSchedule = (input: ScheduleIn): Schedule =>
  input.kind === "cron"
    ? { kind: "cron", cron: input.cron }
    : input.kind === "once"
      ? { kind: "once", runAt: new Date(input.runAt) }
      : { kind: "interval", everySeconds: input.everySeconds };

const scheduleColumns = (input: ScheduleIn) => ({
  scheduleKind: input.kind,
  cron: input.kind === "cron" ? input.cron : null,
  runAt: input.kind === "once" ? new Date(input.runAt) : null,
  intervalSeconds: input.kind === "interval" ? input.everySeconds : null,
});

export const scheduleOf = (row: typeof jobs.$inferSelect): Schedule =>
  row.scheduleKind === "cron"
    ? { kind: "cron", cron: row.cron ?? "" }
    : row.scheduleKind === "once"
      ? { kind: "once", runAt: row.runAt ?? row.createdAt }
      : { kind: "interval", everySeconds: row.intervalSeconds ?? 1 };

function firstRun(input: ScheduleIn, now: Date) {
  const first = firstOccurrence(toSchedule(input), now);
  if (!first) {
    throw invalidField("schedule.cron", "scheduler.job.never_fires", {
      en: "The schedule never fires",
      bn: "এই সময়সূচি কখনো চালু হয় না",
    });
  }
  return first;
}

/** Creates a tenant job; with an idempotency key already used, answers the job made then. */
export async function createJob({ ctx, input }: { ctx: SchedulerContext; input: CreateJobInput }) {
  requireHeld(ctx, input.permissions);
  const now = ctx.deps.clock();
  const nextRunAt = firstRun(input.schedule, now);
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    if (input.idempotencyKey) {
      const [existing] = await tx
        .select()
        .from(jobs)
        .where(eq(jobs.idempotencyKey, input.idempotencyKey))
        .limit(1);
      if (existing) {
        return jobView(existing);
      }
    }
    const [row] = await tx
      .insert(jobs)
      .values({
        tenantId: ctx.tenantId,
        name: input.name,
        ...scheduleColumns(input.schedule),
        target: input.target as JobTarget,
        permissions: input.permissions,
        timeoutMs: input.timeoutSeconds * 1000,
        maxAttempts: input.maxAttempts,
        backoffMs: input.backoffSeconds * 1000,
        disableAfter: input.disableAfter,
        catchUp: input.catchUp,
        idempotencyKey: input.idempotencyKey ?? null,
        nextRunAt,
        createdBy: ctx.principal.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) {
      throw new Error("insert returned nothing");
    }
    const view = jobView(row);
    await publishJob(tx, ctx.tenantId, ctx.principal.userId, "vextrus.scheduler.job.created", {
      id: row.id,
      after: view,
    });
    return view;
  });
}

export async function getJob({ ctx, input }: { ctx: SchedulerContext; input: z.infer<typeof ById> }) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => jobView(await findJob(tx, input.id)), {
    readOnly: true,
  });
}

export async function listJobs({
  ctx,
  input,
}: {
  ctx: SchedulerContext;
  input: z.infer<typeof ListJobsInput>;
}) {
  const page = keyset({ id: jobs.id }, input.cursor);
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(jobs)
        .where(and(page.where, input.status ? eq(jobs.status, input.status) : undefined))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1),
    { readOnly: true },
  );
  const result = pageOf(rows, input.limit, (row) => row.id);
  return { items: result.items.map(jobView), nextCursor: result.nextCursor };
}

type Change = Partial<typeof jobs.$inferInsert>;

/** Applies `change` to a job read at `expectedVersion` (CONFLICT when stale) and publishes the update. */
export async function changeJob(
  ctx: SchedulerContext,
  id: string,
  expectedVersion: number,
  change: (row: typeof jobs.$inferSelect, now: Date, tx: Tx) => Change | Promise<Change>,
) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await findJob(tx, id, true);
    if (before.version !== expectedVersion) {
      throw staleJob();
    }
    const [after] = await tx
      .update(jobs)
      .set({ ...(await change(before, now, tx)), version: sql`${jobs.version} + 1`, updatedAt: now })
      .where(eq(jobs.id, id))
      .returning();
    if (!after) {
      throw staleJob();
    }
    const view = jobView(after);
    await publishJob(tx, ctx.tenantId, ctx.principal.userId, "vextrus.scheduler.job.updated", {
      id,
      before: jobView(before),
      after: view,
    });
    return view;
  });
}

export async function updateJob({
  ctx,
  input,
}: {
  ctx: SchedulerContext;
  input: z.infer<typeof UpdateJobInput>;
}) {
  if (input.permissions) {
    requireHeld(ctx, input.permissions);
  }
  const now = ctx.deps.clock();
  const schedule = input.schedule
    ? { ...scheduleColumns(input.schedule), nextRunAt: firstRun(input.schedule, now) }
    : {};
  return changeJob(ctx, input.id, input.expectedVersion, () => ({
    ...(input.name ? { name: input.name } : {}),
    ...schedule,
    ...(input.target ? { target: input.target as JobTarget } : {}),
    ...(input.permissions ? { permissions: input.permissions } : {}),
    ...(input.timeoutSeconds ? { timeoutMs: input.timeoutSeconds * 1000 } : {}),
    ...(input.maxAttempts ? { maxAttempts: input.maxAttempts } : {}),
    ...(input.backoffSeconds ? { backoffMs: input.backoffSeconds * 1000 } : {}),
    ...(input.disableAfter ? { disableAfter: input.disableAfter } : {}),
    ...(input.catchUp ? { catchUp: input.catchUp } : {}),
  }));
}

/** Stops planning new runs (runs already due still finish). */
export const pauseJob = ({ ctx, input }: { ctx: SchedulerContext; input: z.infer<typeof Versioned> }) =>
  changeJob(ctx, input.id, input.expectedVersion, () => ({ status: "paused" }));

/**
 * Plans again from now (paused or disabled jobs): missed occurrences are not caught up, and the
 * failure count starts over.
 */
export const resumeJob = ({ ctx, input }: { ctx: SchedulerContext; input: z.infer<typeof Versioned> }) =>
  changeJob(ctx, input.id, input.expectedVersion, (row, now) => ({
    ...reactivate(row, now),
    consecutiveFailures: 0,
  }));

/** Active again from `now`: occurrences missed while it was off are not caught up. */
export function reactivate(row: typeof jobs.$inferSelect, now: Date) {
  const schedule = scheduleOf(row);
  const next = schedule.kind === "once" ? (row.nextRunAt ?? null) : firstOccurrence(schedule, now);
  return { status: "active" as const, nextRunAt: next };
}
