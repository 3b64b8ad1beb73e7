import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { AuditContext } from "../deps.ts";

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

/**
 * The retention policy across every tenant, with the service's AUDIT_RETENTION_DAYS (a scheduler
 * platform job, daily).
 */
export async function applyRetentionPolicy({ ctx }: { ctx: AuditContext }) {
  const removed = await applyRetention(ctx.deps.db, ctx.deps.retentionDays);
  if (removed > 0) {
    ctx.log.info("retention policy applied", { removed });
  }
  return { removed };
}
