import { invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Entity } from "./common.ts";

export interface TreeLink {
  table: PgTable;
  id: PgColumn;
  parent: PgColumn;
}

/**
 * Refuses `parentId` for `id` when it is `id` itself or lies below it (the tree would close a loop):
 * a 400 naming `parentId`. Walks up from the candidate parent, within the tenant (RLS applies).
 */
export async function assertNoCycle(tx: Tx, link: TreeLink, entity: Entity, id: string, parentId: string) {
  let cycle = id === parentId;
  if (!cycle) {
    const id_ = sql.identifier(link.id.name);
    const parent_ = sql.identifier(link.parent.name);
    const result = await tx.execute(sql`
      with recursive up(id, parent, depth) as (
        select ${link.id}, ${link.parent}, 0 from ${link.table} where ${link.id} = ${parentId}
        union all
        select t.${id_}, t.${parent_}, up.depth + 1 from ${link.table} t join up on t.${id_} = up.parent
        where up.depth < 1000
      )
      select 1 as hit from up where id = ${id} limit 1`);
    cycle = rowsOf(result).length > 0;
  }
  if (cycle) {
    throw invalidField("parentId", `master_data.${entity.key}.cycle`, {
      en: `A ${entity.label.en.toLowerCase()} cannot sit below itself`,
      bn: `কোনো ${entity.label.bn} নিজের অধীনে থাকতে পারে না`,
    });
  }
}
