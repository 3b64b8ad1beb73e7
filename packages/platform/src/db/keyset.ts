import { asc, desc, gt, lt, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { invalidField } from "../errors.ts";
import { BAD_CURSOR, decodeCursor, type KeyKind } from "../pagination.ts";

/** The columns that order a list: its id alone, or (created_at, id) with the id breaking ties. */
export interface KeysetOrder {
  id: PgColumn;
  createdAt?: PgColumn | undefined;
  /** `asc` (oldest first, the default) or `desc` (newest first). */
  direction?: "asc" | "desc";
  /** What the id holds (default `uuid`). */
  key?: KeyKind;
}

/**
 * The WHERE condition (rows after the cursor; undefined on the first page) and the ORDER BY of a
 * keyset page. With `createdAt`, the cursor's row is read back in the same statement, so PostgreSQL's
 * microsecond timestamps are compared exactly (a cursor row that no longer exists ends the list).
 */
export function keyset(
  order: KeysetOrder,
  cursor: string | undefined,
): { where: SQL | undefined; orderBy: SQL[] } {
  const dir = order.direction === "desc" ? desc : asc;
  const orderBy = order.createdAt ? [dir(order.createdAt), dir(order.id)] : [dir(order.id)];
  if (cursor === undefined) {
    return { where: undefined, orderBy };
  }
  const key = decodeCursor(cursor, order.key ?? "uuid");
  if (key === undefined) {
    throw invalidField("cursor", "page.cursor.invalid", BAD_CURSOR);
  }
  if (!order.createdAt) {
    return { where: order.direction === "desc" ? lt(order.id, key) : gt(order.id, key), orderBy };
  }
  const cmp = order.direction === "desc" ? sql.raw("<") : sql.raw(">");
  const at = order.createdAt;
  const where = sql`(${at}, ${order.id}) ${cmp} (select ${at}, ${order.id} from ${order.id.table} where ${order.id} = ${key})`;
  return { where, orderBy };
}
