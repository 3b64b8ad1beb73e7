import type { Tx } from "@vextrus/platform/db";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { jobs, runs } from "../db/schema.ts";
import { scheduleOf } from "./jobs.ts";
import { plan } from "./schedule.ts";

/** Jobs planned per pass at most (every tenant's first due jobs first); the next pass takes the rest. */
const PLAN_BATCH = 1_000;

/**
 * Due jobs of every tenant, locked FOR UPDATE SKIP LOCKED (a job another replica is planning is
 * skipped, never waited for): each tenant's earliest first, then each tenant's second, and so on,
 * so one tenant's 10,000 due jobs do not hold back another's one. The worker's privileged
 * transaction (the scheduler's own tables, across tenants) calls it.
 */
export function dueJobs(tx: Tx, now: Date) {
  const at = now.toISOString();
  return tx
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.status, "active"),
        lte(jobs.nextRunAt, now),
        sql`${jobs.id} in (
          select id from (
            select id, row_number() over (partition by tenant_id order by next_run_at, id) as turn
            from scheduler.jobs where status = 'active' and next_run_at <= ${at}::timestamptz
          ) as due order by turn, id limit ${PLAN_BATCH})`,
      ),
    )
    .orderBy(asc(jobs.nextRunAt))
    .for("update", { skipLocked: true });
}

export type DueJob = Awaited<ReturnType<typeof dueJobs>>[number];

/**
 * Turns locked due jobs into pending runs and moves each job's `next_run_at` on: one statement for
 * every occurrence and one for every job's next time, each taking its rows as one JSON parameter (the
 * same statement text whatever the count, so it is prepared once). An occurrence's run is unique
 * (job, time, attempt), so replicas planning at once never make one occurrence twice. Answers the
 * statements, already sent and not yet awaited, so the caller can send more in the same round trip.
 */
export function planRuns(tx: Tx, due: readonly DueJob[], now: Date, graceMs: number): Promise<unknown>[] {
  const occurrences: { id: string; tenant: string; job: string; at: string }[] = [];
  const moves: { id: string; next: string | null }[] = [];
  for (const job of due) {
    if (!job.nextRunAt) {
      continue;
    }
    const planned = plan(scheduleOf(job), job.nextRunAt, now, job.catchUp, graceMs);
    for (const at of planned.occurrences) {
      occurrences.push({ id: Bun.randomUUIDv7(), tenant: job.tenantId, job: job.id, at: at.toISOString() });
    }
    moves.push({ id: job.id, next: planned.next?.toISOString() ?? null });
  }
  const statements: Promise<unknown>[] = [];
  if (occurrences.length > 0) {
    statements.push(
      tx
        .execute(sql`
          insert into ${runs} (id, tenant_id, job_id, scheduled_for, attempt, due_at)
          select v.id, v.tenant, v.job, v.at, 1, v.at
          from json_to_recordset(${JSON.stringify(occurrences)}::json) as v(id uuid, tenant uuid, job uuid, at timestamptz)
          on conflict do nothing`)
        .then(() => undefined),
    );
  }
  if (moves.length > 0) {
    statements.push(
      tx
        .execute(sql`
          update ${jobs} set next_run_at = v.next
          from json_to_recordset(${JSON.stringify(moves)}::json) as v(id uuid, next timestamptz)
          where ${jobs.id} = v.id`)
        .then(() => undefined),
    );
  }
  return statements;
}
