import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, asc, eq, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { jobs, runs } from "../db/schema.ts";
import { scheduleOf } from "./jobs.ts";
import { plan } from "./schedule.ts";

/** Jobs planned per tenant per tick at most; the next tick takes the rest. */
const PLAN_BATCH = 200;

/**
 * Turns the tenant's due occurrences into pending runs and moves each job's `next_run_at` on.
 * Job rows are taken FOR UPDATE SKIP LOCKED, and an occurrence's run is unique (job, time, attempt),
 * so replicas planning at once never make one occurrence twice.
 */
export async function planDue(tx: Tx, now: Date, graceMs: number): Promise<number> {
  const due = await tx
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, "active"), lte(jobs.nextRunAt, now)))
    .orderBy(asc(jobs.nextRunAt))
    .limit(PLAN_BATCH)
    .for("update", { skipLocked: true });
  const occurrences: (typeof runs.$inferInsert)[] = [];
  const moves: SQL[] = [];
  for (const job of due) {
    if (!job.nextRunAt) {
      continue;
    }
    const planned = plan(scheduleOf(job), job.nextRunAt, now, job.catchUp, graceMs);
    for (const at of planned.occurrences) {
      occurrences.push({ tenantId: job.tenantId, jobId: job.id, scheduledFor: at, attempt: 1, dueAt: at });
    }
    moves.push(sql`(${job.id}::uuid, ${planned.next?.toISOString() ?? null}::timestamptz)`);
  }
  // One statement for every occurrence, one for every job's next time (not two per job).
  let planned = 0;
  for (let i = 0; i < occurrences.length; i += 1_000) {
    const inserted = await tx
      .insert(runs)
      .values(occurrences.slice(i, i + 1_000))
      .onConflictDoNothing()
      .returning({ id: runs.id });
    planned += inserted.length;
  }
  if (moves.length > 0) {
    await tx.execute(sql`
      update ${jobs} set next_run_at = v.next from (values ${sql.join(moves, sql`, `)}) as v(id, next)
      where ${jobs.id} = v.id`);
  }
  return planned;
}

/**
 * Takes the tenant for this transaction: one replica at a time plans and claims a tenant's work, so
 * its concurrency quota holds across replicas. False when another replica has it (skip the tenant).
 */
export async function takeTenant(tx: Tx, tenantId: string): Promise<boolean> {
  const [lock] = rowsOf<{ ok: boolean }>(
    await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${tenantId}, 1015)) as ok`),
  );
  return lock?.ok === true;
}

export type ClaimedRun = typeof runs.$inferSelect & { job: typeof jobs.$inferSelect };

/** How long past its timeout a running attempt keeps its lease before another replica may take it. */
const LEASE_GRACE_MS = 30_000;

/**
 * Claims up to `limit` due runs of the tenant (FOR UPDATE SKIP LOCKED: a run another replica holds
 * is skipped, never waited for), keeping the tenant under `tenantQuota` runs at once across every
 * replica. Also takes back runs whose lease passed (their replica died mid-run).
 */
export async function claimDue(tx: Tx, now: Date, limit: number, tenantQuota: number) {
  const [busy] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(runs)
    .where(and(eq(runs.status, "running"), gte(runs.leaseUntil, now)));
  const free = Math.min(limit, tenantQuota - (busy?.n ?? 0));
  if (free <= 0) {
    return [];
  }
  const due = await tx
    .select()
    .from(runs)
    .where(
      or(
        and(eq(runs.status, "pending"), lte(runs.dueAt, now)),
        and(eq(runs.status, "running"), lt(runs.leaseUntil, now)),
      ),
    )
    .orderBy(asc(runs.dueAt), asc(runs.id))
    .limit(free)
    .for("update", { skipLocked: true });
  const jobIds = [...new Set(due.map((r) => r.jobId))];
  const owners = jobIds.length === 0 ? [] : await tx.select().from(jobs).where(inArray(jobs.id, jobIds));
  const byId = new Map(owners.map((j) => [j.id, j]));
  const rows = due.flatMap((run) => {
    const job = byId.get(run.jobId);
    return job ? [{ run, job }] : [];
  });
  const startedAt = now;
  const claimed: ClaimedRun[] = rows.map(({ run, job }) => {
    const leaseUntil = new Date(now.getTime() + job.timeoutMs + LEASE_GRACE_MS);
    return { ...run, status: "running" as const, startedAt, leaseUntil, error: null, job };
  });
  if (claimed.length > 0) {
    const leases = claimed.map(
      (run) => sql`(${run.id}::uuid, ${run.leaseUntil?.toISOString()}::timestamptz)`,
    );
    await tx.execute(sql`
      update ${runs} set status = 'running', started_at = ${startedAt.toISOString()}::timestamptz,
        lease_until = v.lease, error = null
      from (values ${sql.join(leases, sql`, `)}) as v(id, lease) where ${runs.id} = v.id`);
  }
  return claimed;
}
