import { rowsOf, type Tx } from "@vextrus/platform/db";
import { and, asc, eq, gte, inArray, lt, lte, or, sql } from "drizzle-orm";
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
  let planned = 0;
  for (const job of due) {
    if (!job.nextRunAt) {
      continue;
    }
    const { occurrences, next } = plan(scheduleOf(job), job.nextRunAt, now, job.catchUp, graceMs);
    if (occurrences.length > 0) {
      const inserted = await tx
        .insert(runs)
        .values(
          occurrences.map((at) => ({
            tenantId: job.tenantId,
            jobId: job.id,
            scheduledFor: at,
            attempt: 1,
            dueAt: at,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: runs.id });
      planned += inserted.length;
    }
    await tx.update(jobs).set({ nextRunAt: next }).where(eq(jobs.id, job.id));
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
  const claimed: ClaimedRun[] = [];
  for (const { run, job } of rows) {
    const leaseUntil = new Date(now.getTime() + job.timeoutMs + LEASE_GRACE_MS);
    await tx
      .update(runs)
      .set({ status: "running", startedAt: now, leaseUntil, error: null })
      .where(eq(runs.id, run.id));
    claimed.push({ ...run, status: "running", startedAt: now, leaseUntil, job });
  }
  return claimed;
}
