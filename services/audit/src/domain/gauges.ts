import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { chainHeads } from "../db/schema.ts";

/**
 * Totals over every tenant (the gauges read them at scrape time): chains, and entries held (those
 * removed by retention excluded). Never per tenant: a label per tenant would list every customer.
 */
export async function chainTotals(db: Database): Promise<{ chains: number; entries: number }> {
  const result = await db.privileged((tx) =>
    tx.execute(
      sql`select count(*) as chains, coalesce(sum(seq - anchor_seq), 0) as entries from ${chainHeads}`,
    ),
  );
  const row = rowsOf<{ chains: string | number; entries: string | number }>(result)[0];
  return { chains: Number(row?.chains ?? 0), entries: Number(row?.entries ?? 0) };
}
