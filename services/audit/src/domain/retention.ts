import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/**
 * Applies the retention policy: removes each tenant's entries recorded more than `days` ago (never
 * less than a year; the database refuses younger ones). Runs as the schema owner. Returns how many
 * entries were removed.
 */
export async function applyRetention(db: Database, days: number): Promise<number> {
  const result = await db.privileged((tx) =>
    tx.execute(sql`select audit.apply_retention(${days}) as removed`),
  );
  return Number(rowsOf<{ removed: string | number }>(result)[0]?.removed ?? 0);
}
