import type { Database } from "@vextrus/platform/db";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { OutboxTable } from "./outbox.ts";

/**
 * The permission of the platform's housekeeping procedures (`<service>.maintenance.*`): only the
 * scheduler's platform jobs carry it (no tenant role can grant `platform:*`).
 */
export const MAINTENANCE_PERMISSION = "platform:maintenance:run";

/** Housekeeping procedures take nothing: what is old is judged by the server's clock. */
export const MaintenanceInput = z.strictObject({}).optional();

/** What a prune answers: how many rows went (the result schema of `<service>.maintenance.prune*`). */
export const PruneResult = z.object({ removed: z.number().int().min(0) });

/** How long published events stay in an outbox (for inspection) before a prune removes them. */
export const OUTBOX_RETENTION_MS = 3 * 24 * 60 * 60 * 1000;

/** Rows deleted per statement, and statements per call: one call never holds the table for long. */
const BATCH = 10_000;
const MAX_BATCHES = 20;

/**
 * Deletes the outbox's published rows older than the retention (across every tenant, as the schema
 * owner); unsent rows are never touched. The scheduler's platform job `<service>.maintenance.pruneOutbox`
 * calls it every 10 minutes. Answers how many rows went.
 */
export async function pruneSentOutbox(
  db: Database,
  outbox: OutboxTable,
  now: Date,
  retentionMs = OUTBOX_RETENTION_MS,
): Promise<{ removed: number }> {
  const cutoff = new Date(now.getTime() - retentionMs).toISOString();
  let removed = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const result = await db.privileged((tx) =>
      tx.execute(sql`
        with pruned as (
          delete from ${outbox} where id in (
            select id from ${outbox} where sent_at is not null and sent_at < ${cutoff}::timestamptz
            limit ${BATCH})
          returning 1)
        select count(*)::int as n from pruned`),
    );
    const n = rowsOf<{ n: number }>(result)[0]?.n ?? 0;
    removed += n;
    if (n < BATCH) {
      break;
    }
  }
  return { removed };
}
