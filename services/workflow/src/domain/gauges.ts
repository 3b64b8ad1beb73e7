import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/** Tasks waiting for a decision now, across tenants (the pending-tasks gauge reads it at scrape time). */
export async function countPendingTasks(db: Database): Promise<number> {
  const result = await db.privileged((tx) =>
    tx.execute(sql`select count(*)::int as n from workflow.tasks where status = 'pending'`),
  );
  return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
}
