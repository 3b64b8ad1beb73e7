import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { chainHeads } from "../db/schema.ts";

/** The longest chains' heads, across tenants (the chain-length gauge reads them at scrape time). */
export async function chainHeadSeqs(db: Database): Promise<{ tenant_id: string; seq: string | number }[]> {
  const result = await db.privileged((tx) =>
    tx.execute(sql`select tenant_id, seq from ${chainHeads} order by seq desc limit 1000`),
  );
  return rowsOf<{ tenant_id: string; seq: string | number }>(result);
}
