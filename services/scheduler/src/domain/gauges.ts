import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/**
 * Queue sizes across every tenant (a privileged read; no tenant id leaves it). Due work is both
 * pending runs whose time has come and occurrences of active jobs not yet turned into runs; the lag
 * is how long the oldest of them has waited.
 */
export async function queueGauges(db: Database, now: Date) {
  const at = now.toISOString();
  const result = await db.privileged((tx) =>
    tx.execute(sql`
      with runs as (
        select
          count(*) filter (where status = 'pending' and due_at <= ${at})::int as due,
          count(*) filter (where status = 'running')::int as running,
          count(*) filter (where status = 'dead')::int as dead,
          min(due_at) filter (where status = 'pending' and due_at <= ${at}) as oldest
        from scheduler.runs
      ), unplanned as (
        select count(*)::int as due, min(next_run_at) as oldest
        from scheduler.jobs where status = 'active' and next_run_at <= ${at}
      )
      select runs.due + unplanned.due as due, runs.running, runs.dead,
        coalesce(extract(epoch from ${at}::timestamptz - least(runs.oldest, unplanned.oldest)), 0)::float8 as lag
      from runs, unplanned`),
  );
  const row = rowsOf<{ due: number; running: number; dead: number; lag: number }>(result)[0];
  return { due: row?.due ?? 0, running: row?.running ?? 0, dead: row?.dead ?? 0, lagSeconds: row?.lag ?? 0 };
}
