import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { jobs, runs } from "../db/schema.ts";
import { publishJob } from "./common.ts";
import type { ClaimedRun } from "./plan.ts";

export type Outcome = { ok: true } | { ok: false; error: string };

/** Exponential backoff with equal jitter: half the doubled delay fixed, half random. */
export function backoffMs(baseMs: number, attempt: number, random: () => number): number {
  const delay = Math.min(baseMs * 2 ** (attempt - 1), 24 * 3_600_000);
  return Math.round(delay / 2 + (random() * delay) / 2);
}

/**
 * Records how an attempt ended, in its own transaction. Only the claim that ran it may record it
 * (a run reclaimed after its lease passed belongs to the new claim). An event target publishes its
 * event here, so it is sent if and only if the run is recorded as succeeded. A failure schedules the
 * next attempt after backoff; the last one is dead, and enough dead runs in a row disable the job.
 */
export async function recordOutcome(
  tx: Tx,
  run: ClaimedRun,
  outcome: Outcome,
  now: Date,
  random: () => number,
): Promise<"succeeded" | "failed" | "dead" | "lost"> {
  const [current] = await tx
    .select({ status: runs.status, startedAt: runs.startedAt })
    .from(runs)
    .where(eq(runs.id, run.id))
    .for("update");
  if (current?.status !== "running" || current.startedAt?.getTime() !== run.startedAt?.getTime()) {
    return "lost";
  }
  const { job } = run;
  if (outcome.ok) {
    await tx
      .update(runs)
      .set({ status: "succeeded", finishedAt: now, leaseUntil: null })
      .where(eq(runs.id, run.id));
    if (job.target.kind === "event") {
      await publishJob(tx, run.tenantId, null, "vextrus.scheduler.job.fired", {
        id: job.id,
        scheduledFor: run.scheduledFor.toISOString(),
        firedAt: now.toISOString(),
        data: job.target.data,
      });
    }
    await tx
      .update(jobs)
      .set({ consecutiveFailures: 0 })
      .where(and(eq(jobs.id, job.id), sql`${jobs.consecutiveFailures} > 0`));
    return "succeeded";
  }
  const error = outcome.error.slice(0, 2_000);
  const last = run.attempt >= job.maxAttempts;
  await tx
    .update(runs)
    .set({ status: last ? "dead" : "failed", finishedAt: now, leaseUntil: null, error })
    .where(eq(runs.id, run.id));
  if (!last) {
    await tx
      .insert(runs)
      .values({
        tenantId: run.tenantId,
        jobId: job.id,
        scheduledFor: run.scheduledFor,
        attempt: run.attempt + 1,
        dueAt: new Date(now.getTime() + backoffMs(job.backoffMs, run.attempt, random)),
      })
      .onConflictDoNothing();
    return "failed";
  }
  await publishJob(tx, run.tenantId, null, "vextrus.scheduler.job.run_dead", {
    id: job.id,
    runId: run.id,
    attempt: run.attempt,
    error,
  });
  const [after] = await tx
    .update(jobs)
    .set({ consecutiveFailures: sql`${jobs.consecutiveFailures} + 1` })
    .where(eq(jobs.id, job.id))
    .returning({ failures: jobs.consecutiveFailures, disableAfter: jobs.disableAfter, status: jobs.status });
  if (after && after.status === "active" && after.failures >= after.disableAfter) {
    await tx
      .update(jobs)
      .set({ status: "disabled", version: sql`${jobs.version} + 1`, updatedAt: now })
      .where(eq(jobs.id, job.id));
    await publishJob(tx, run.tenantId, null, "vextrus.scheduler.job.disabled", {
      id: job.id,
      consecutiveFailures: after.failures,
      error,
    });
  }
  return "dead";
}

/**
 * Records several succeeded attempts of one tenant in one transaction (what a replica finished in
 * the same moment): each only if its claim still holds it, as `recordOutcome` does one. Answers how
 * many were recorded.
 */
export async function recordSuccesses(tx: Tx, done: readonly ClaimedRun[], now: Date): Promise<number> {
  if (done.length === 0) {
    return 0;
  }
  const claims = done.map(
    (run) => sql`(${run.id}::uuid, ${run.startedAt?.toISOString() ?? null}::timestamptz)`,
  );
  const recorded = await tx.execute(sql`
    update ${runs} set status = 'succeeded', finished_at = ${now.toISOString()}::timestamptz, lease_until = null
    from (values ${sql.join(claims, sql`, `)}) as v(id, started)
    where ${runs.id} = v.id and ${runs.status} = 'running' and ${runs.startedAt} = v.started
    returning ${runs.id} as id`);
  const ids = new Set(rowsOf<{ id: string }>(recorded).map((r) => r.id));
  const ours = done.filter((run) => ids.has(run.id));
  for (const run of ours) {
    if (run.job.target.kind === "event") {
      await publishJob(tx, run.tenantId, null, "vextrus.scheduler.job.fired", {
        id: run.job.id,
        scheduledFor: run.scheduledFor.toISOString(),
        firedAt: now.toISOString(),
        data: run.job.target.data,
      });
    }
  }
  const jobIds = [...new Set(ours.map((r) => r.jobId))];
  if (jobIds.length > 0) {
    await tx
      .update(jobs)
      .set({ consecutiveFailures: 0 })
      .where(and(inArray(jobs.id, jobIds), sql`${jobs.consecutiveFailures} > 0`));
  }
  return ours.length;
}
