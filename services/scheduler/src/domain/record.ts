import { emitMany } from "@vextrus/events";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { jobs, outbox, runs } from "../db/schema.ts";
import type { ClaimedRun } from "./claim.ts";
import { publishJob } from "./common.ts";

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
 * Records succeeded attempts of any tenants in one statement (the worker's privileged transaction,
 * before its next claim; the runs as one JSON parameter): each only if its claim still holds it, as `recordOutcome` does one, and
 * clears their jobs' failure counts. Event targets publish `job.fired` for the ones recorded, in the
 * same transaction. Answers how many were recorded.
 */
export function recordSuccesses(tx: Tx, done: readonly ClaimedRun[], now: Date): Promise<number> {
  if (done.length === 0) {
    return Promise.resolve(0);
  }
  const claims = done.map((run) => ({ id: run.id, started: run.startedAt?.toISOString() ?? null }));
  // Sent at once (not at an await), so it goes ahead of the claim that follows it on the connection.
  const recorded = tx.execute(sql`
    with done as (
      update ${runs} set status = 'succeeded', finished_at = ${now.toISOString()}::timestamptz, lease_until = null
      from json_to_recordset(${JSON.stringify(claims)}::json) as v(id uuid, started timestamptz)
      where ${runs.id} = v.id and ${runs.status} = 'running' and ${runs.startedAt} = v.started
      returning ${runs.id} as id, ${runs.jobId} as job_id
    ), cleared as (
      update ${jobs} set consecutive_failures = 0
      where ${jobs.id} in (select job_id from done) and ${jobs.consecutiveFailures} > 0
    )
    select id from done`);
  return recorded.then(async (result) => {
    const ids = new Set(rowsOf<{ id: string }>(result).map((r) => r.id));
    const fired = done.flatMap((run) =>
      ids.has(run.id) && run.job.target.kind === "event"
        ? [
            {
              type: "vextrus.scheduler.job.fired" as const,
              subject: run.job.id,
              tenantId: run.tenantId,
              actorId: null,
              data: {
                id: run.job.id,
                scheduledFor: run.scheduledFor.toISOString(),
                firedAt: now.toISOString(),
                data: run.job.target.data,
              },
            },
          ]
        : [],
    );
    await emitMany(tx, outbox, fired);
    return ids.size;
  });
}
