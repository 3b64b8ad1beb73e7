import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/** Queue sizes across every tenant (a privileged read; no tenant id leaves it). */
export async function queueGauges(db: Database, now: Date) {
  const at = now.toISOString();
  const result = await db.privileged((tx) =>
    tx.execute(sql`
      select
        count(*) filter (where status = 'pending' and due_at <= ${at})::int as due,
        count(*) filter (where status = 'running')::int as running,
        count(*) filter (where status = 'dead')::int as dead,
        coalesce(extract(epoch from ${at}::timestamptz - min(due_at) filter (where status = 'pending' and due_at <= ${at})), 0)::float8 as lag
      from scheduler.runs`),
  );
  const row = rowsOf<{ due: number; running: number; dead: number; lag: number }>(result)[0];
  return { due: row?.due ?? 0, running: row?.running ?? 0, dead: row?.dead ?? 0, lagSeconds: row?.lag ?? 0 };
}
