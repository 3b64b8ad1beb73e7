import type { Tx } from "@vextrus/platform/db";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";

/**
 * True when `candidateParent` is `self` or lies below `self`, i.e. making it the parent would close a
 * loop. Walks upward from the candidate (within the tenant: row-level security applies).
 */
export async function wouldCycle(
  tx: Tx,
  link: { table: PgTable; key: PgColumn; parent: PgColumn },
  self: string,
  candidateParent: string,
): Promise<boolean> {
  if (self === candidateParent) {
    return true;
  }
  const result = await tx.execute(sql`
    with recursive up(key, parent, depth) as (
      select ${link.key}, ${link.parent}, 0 from ${link.table} where ${link.key} = ${candidateParent}
      union all
      select t.${sql.identifier(link.key.name)}, t.${sql.identifier(link.parent.name)}, up.depth + 1
      from ${link.table} t join up on t.${sql.identifier(link.key.name)} = up.parent
      where up.depth < 10000
    )
    select 1 as hit from up where key = ${self} limit 1`);
  return rowsOf(result).length > 0;
}
