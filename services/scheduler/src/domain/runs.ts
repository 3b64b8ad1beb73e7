import { pageInput, pageOf } from "@vextrus/platform";
import { keyset } from "@vextrus/platform/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { runs } from "../db/schema.ts";
import type { SchedulerContext } from "../deps.ts";
import { changeJob, reactivate, type Versioned } from "./jobs.ts";

export const ListRunsInput = z.object({
  ...pageInput(),
  jobId: z.uuid().optional(),
  status: z.enum(["pending", "running", "succeeded", "failed", "dead"]).optional(),
});

type RunRow = typeof runs.$inferSelect;

const runView = (row: RunRow) => ({
  id: row.id,
  jobId: row.jobId,
  scheduledFor: row.scheduledFor.toISOString(),
  attempt: row.attempt,
  status: row.status,
  dueAt: row.dueAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
  durationMs: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
  error: row.error,
});

/** The tenant's runs, newest first: every attempt with its start, end, duration, outcome and error. */
export async function listRuns({
  ctx,
  input,
}: {
  ctx: SchedulerContext;
  input: z.infer<typeof ListRunsInput>;
}) {
  const page = keyset({ id: runs.id, direction: "desc" }, input.cursor);
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(runs)
        .where(
          and(
            page.where,
            input.jobId ? eq(runs.jobId, input.jobId) : undefined,
            input.status ? eq(runs.status, input.status) : undefined,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(input.limit + 1),
    { readOnly: true },
  );
  const result = pageOf(rows, input.limit, (row) => row.id);
  return { items: result.items.map(runView), nextCursor: result.nextCursor };
}

/**
 * Sends the job's dead runs back (each as its next attempt, due now), clears its failure count and
 * makes it active again when it was disabled.
 */
export async function retryJob({ ctx, input }: { ctx: SchedulerContext; input: z.infer<typeof Versioned> }) {
  let requeued = 0;
  const job = await changeJob(ctx, input.id, input.expectedVersion, async (row, now, tx) => {
    const dead = await tx
      .select()
      .from(runs)
      .where(and(eq(runs.jobId, row.id), eq(runs.status, "dead")));
    for (const run of dead) {
      await tx.update(runs).set({ status: "failed" }).where(eq(runs.id, run.id));
      await tx
        .insert(runs)
        .values({
          tenantId: run.tenantId,
          jobId: run.jobId,
          scheduledFor: run.scheduledFor,
          attempt: run.attempt + 1,
          dueAt: now,
        })
        .onConflictDoNothing();
    }
    requeued = dead.length;
    return { consecutiveFailures: 0, ...(row.status === "disabled" ? reactivate(row, now) : {}) };
  });
  return { job, requeued };
}
