import { AppError, type Bilingual, notFound, type Page, pageInput, pageOf } from "@vextrus/platform";
import { keyset, preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, eq, ilike, isNull, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Change } from "./events.ts";

export const Id = z.uuid();
export const Name = z.string().trim().min(1).max(200);
export const NameBn = z.string().trim().min(1).max(200).optional();

export const ListInput = z.object({
  ...pageInput(),
  includeArchived: z.boolean().default(false),
  search: z.string().trim().min(1).max(100).optional(),
});
export type ListInput = z.infer<typeof ListInput>;

export const ByIdInput = z.object({ id: z.uuid() });
/** The version the caller read: every update and archive names it, and a stale one is CONFLICT. */
export const ExpectedVersion = z.number().int().min(1);
export const ArchiveInput = z.object({ id: z.uuid(), expectedVersion: ExpectedVersion });

/** A table with a UUID id and an optimistic-concurrency version (and an `updatedAt` column). */
export interface VersionedTable {
  table: PgTable;
  id: PgColumn;
  version: PgColumn;
}

/** The columns every organization record has; lets one set of helpers serve every entity. */
export interface RecordTable extends VersionedTable {
  /** Searched by `search`; tables without a name ignore it. */
  name?: PgColumn;
  archivedAt: PgColumn;
}

/** Each table's read by id, built once (the hot read of every record; see preparedQuery). */
const byIdQueries = new WeakMap<PgTable, (tx: Tx, values: { id: string }) => Promise<unknown[]>>();

function byIdQuery(t: VersionedTable) {
  let query = byIdQueries.get(t.table);
  if (!query) {
    query = preparedQuery("organization.record.byId", (db) =>
      db
        .select()
        .from(t.table)
        .where(eq(t.id, sql.placeholder("id")))
        .limit(1),
    );
    byIdQueries.set(t.table, query);
  }
  return query;
}

export async function findRecord<Row>(
  tx: Tx,
  t: VersionedTable,
  id: string,
  label: Bilingual,
  code: string,
): Promise<Row> {
  const rows = await byIdQuery(t)(tx, { id });
  const row = rows[0];
  if (!row) {
    throw notFound(label, code);
  }
  return row as Row;
}

/** Keyset pagination over UUIDv7 ids (creation order), archived rows hidden unless asked for. */
export async function listRecords<Row extends { id: string }>(
  tx: Tx,
  t: RecordTable,
  input: ListInput,
  filters: (SQL | undefined)[],
): Promise<Page<Row>> {
  const page = keyset({ id: t.id }, input.cursor);
  const where = and(
    page.where,
    input.includeArchived ? undefined : isNull(t.archivedAt),
    input.search && t.name ? ilike(t.name, `%${input.search.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
    ...filters,
  );
  const rows = (await tx
    .select()
    .from(t.table)
    .where(where)
    .orderBy(...page.orderBy)
    .limit(input.limit + 1)) as Row[];
  return pageOf(rows, input.limit, (row) => row.id);
}

/**
 * Applies a patch when the record is at `expectedVersion`, bumping its version.
 * A stale version is CONFLICT; a missing record NOT_FOUND. Returns the record before and after.
 */
export async function updateRecord<Row>(
  tx: Tx,
  t: VersionedTable,
  input: { id: string; expectedVersion: number },
  patch: Record<string, unknown>,
  label: Bilingual,
  code: string,
): Promise<Change<Row>> {
  const current = await findRecord<Record<string, unknown>>(tx, t, input.id, label, code);
  if (current.version !== input.expectedVersion) {
    throw new AppError("CONFLICT", `${code.replace(/\.not_found$/, "")}.stale`, {
      en: `${label.en} was changed by someone else; reload and try again`,
      bn: `${label.bn} অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন`,
    });
  }
  const rows = await tx
    .update(t.table)
    .set({ ...patch, version: sql`${t.version} + 1`, updatedAt: new Date() })
    .where(and(eq(t.id, input.id), eq(t.version, current.version)))
    .returning();
  const row = rows[0];
  if (!row) {
    throw new AppError("CONFLICT", "record.concurrent", {
      en: `${label.en} was changed at the same time; try again`,
      bn: `${label.bn} একই সময়ে পরিবর্তিত হয়েছে; আবার চেষ্টা করুন`,
    });
  }
  return { before: current as Row, after: row as Row };
}

export async function archiveRecord<Row>(
  tx: Tx,
  t: RecordTable,
  input: { id: string; expectedVersion: number },
  label: Bilingual,
  code: string,
): Promise<Change<Row>> {
  return updateRecord<Row>(tx, t, input, { archivedAt: new Date() }, label, code);
}

/** Drops keys whose value is undefined so a patch only touches what the caller sent. */
export function definedOnly<T extends Record<string, unknown>>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
