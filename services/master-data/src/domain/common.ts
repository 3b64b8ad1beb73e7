import { Money } from "@vextrus/bd";
import { AppError, type Bilingual, notFound, type Page, pageInput, pageOf } from "@vextrus/platform";
import { keyset, rowsOf, type Tx } from "@vextrus/platform/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { z } from "zod";
import { recordTerms } from "../db/terms.ts";
import { rowMapper } from "./imports/insert-json.ts";

export const Name = z.string().trim().min(1).max(200);
export const NameBn = z.string().trim().min(1).max(200);
export const ExpectedVersion = z.number().int().min(1);
export const Code = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .refine((code) => /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(code), {
    message: "Letters, digits and . _ / - only",
    params: { messageBn: "শুধু অক্ষর, সংখ্যা এবং . _ / - ব্যবহার করা যাবে" },
  });

/** A BDT amount that is zero or more: exact decimal by @vextrus/bd, never a float. */
export const NonNegativeMoney = Money.refine((amount) => !amount.startsWith("-"), {
  message: "Must not be negative",
  params: { code: "bd.money.negative" },
});

export const ByIdInput = z.object({ id: z.uuid() });
/** Archive, restore and the like: which record, at which version the caller saw it. */
export const VersionedInput = z.object({ id: z.uuid(), expectedVersion: ExpectedVersion });

export const ListInput = z.object({
  ...pageInput(),
  /** Words that start words of the name, English or Bengali (an index of the names' words serves it). */
  search: z.string().trim().min(1).max(100).optional(),
});
export type ListInput = z.infer<typeof ListInput>;

/** The columns the shared helpers need: a UUIDv7 id, a version, and where its names' words are kept. */
export interface RecordTable {
  table: PgTable;
  id: PgColumn;
  version: PgColumn;
  /** The index of the names' words that serves `search`, when the table is searchable. */
  terms?: TermsIndex;
}

/**
 * A table of (record id, word of its names) rows kept by a trigger, with a btree on
 * `(tenant_id, [entity,] term text_pattern_ops, record id)`: `record_terms` for most tables, `party_terms`
 * for parties.
 */
export interface TermsIndex {
  table: PgTable;
  recordId: PgColumn;
  term: PgColumn;
  /** The rows of this table's records, when the terms table holds several tables' words. */
  of?: SQL;
  /** The words of a search, split as the table's trigger splits names. */
  words: (search: string) => string[];
}

/** `record_terms` rows of one table (its trigger writes the table's name as `entity`, migration 0018). */
export const recordTermsOf = (entity: string): TermsIndex => ({
  table: recordTerms,
  recordId: recordTerms.recordId,
  term: recordTerms.term,
  of: eq(recordTerms.entity, entity),
  words: searchWords,
});

export interface Entity {
  /** `party`: error codes are `master_data.party.<what>`. */
  key: string;
  label: Bilingual;
}

/** The words of a search or a name: split at spaces and brackets, lowercased (as migration 0018 splits). */
export const searchWords = (text: string) => [
  ...new Set(
    text
      .toLowerCase()
      .split(/[\s()[\]{},;:"]+/)
      .filter(Boolean),
  ),
];

/** The smallest string above every string that starts with `word`: its last character plus one. */
export function above(word: string): string {
  const chars = Array.from(word);
  const last = chars.pop() ?? "";
  return chars.join("") + String.fromCodePoint((last.codePointAt(0) ?? 0) + 1);
}

/**
 * The ids of the records with, for each word of `search`, a word of their English or Bengali name
 * that starts with it (case-insensitive; `%` and `_` are plain characters), distinct and in id order
 * (as column `id`), after `cursor`; undefined when `search` has no words. Each word is one range of
 * the terms index; the first word's ids are semi-joined to each other word's (a hash of that range).
 * The range operators are LEAKPROOF, so the index applies ahead of the tenant policy; ILIKE would only
 * ever filter a scan of the tenant's rows.
 */
function matchingIds(terms: TermsIndex, search: string, cursor: string | undefined): SQL | undefined {
  const [first, ...rest] = terms.words(search).slice(0, 8);
  if (first === undefined) {
    return undefined;
  }
  const startingWith = (word: string) =>
    and(terms.of, sql`${terms.term} ~>=~ ${word}`, sql`${terms.term} ~<~ ${above(word)}`);
  const where = and(
    startingWith(first),
    keyset({ id: terms.recordId }, cursor).where,
    ...rest.map(
      (word) =>
        sql`${terms.recordId} in (select ${terms.recordId} from ${terms.table} where ${startingWith(word)})`,
    ),
  );
  return sql`select distinct ${terms.recordId} as id from ${terms.table} where ${where} order by 1`;
}

export async function findRecord<Row>(tx: Tx, t: RecordTable, entity: Entity, id: string): Promise<Row> {
  const [row] = await tx.select().from(t.table).where(eq(t.id, id)).limit(1);
  if (!row) {
    throw notFound(entity.label, `master_data.${entity.key}.not_found`);
  }
  return row as Row;
}

/** Like findRecord, holding the row (FOR UPDATE) until the transaction ends. */
export async function lockRecord<Row>(tx: Tx, t: RecordTable, entity: Entity, id: string): Promise<Row> {
  const [row] = await tx.select().from(t.table).where(eq(t.id, id)).limit(1).for("update");
  if (!row) {
    throw notFound(entity.label, `master_data.${entity.key}.not_found`);
  }
  return row as Row;
}

/**
 * Keyset pagination over UUIDv7 ids (creation order); `search` matches names in either language.
 *
 * A search reads its matching ids in id order from the terms index (matchingIds), then each one's row
 * by primary key until the page is full: a page of 20 costs about 21 row reads however many records
 * match. Written as a join of the ids with the table, PostgreSQL may instead walk the whole table in
 * id order and probe the matches, which reads thousands of rows when matches are many but spread out
 * (it cannot know how many the intersection of two words holds); the `limit 1` of the lateral
 * subquery (at most one row has that id anyway) keeps it from being flattened into such a join.
 */
export async function listPage<Row extends { id: string }>(
  tx: Tx,
  t: RecordTable,
  input: ListInput,
  filters: (SQL | undefined)[],
): Promise<Page<Row>> {
  const matches = input.search && t.terms ? matchingIds(t.terms, input.search, input.cursor) : undefined;
  if (matches) {
    // Written as one statement rather than drizzle's builder: building the builder form (a lateral
    // join over an aliased subquery, every column through selection proxies) cost ~0.8 ms of CPU per
    // search, this ~0.07 ms; the rows are mapped by the table's own columns as the builder maps them.
    const result = await tx.execute(sql`
      select r.* from (${matches}) matches
      cross join lateral (select * from ${t.table} where ${and(sql`${t.id} = matches.id`, ...filters)} limit 1) r
      order by matches.id limit ${input.limit + 1}`);
    return pageOf(
      rowsOf<Record<string, unknown>>(result).map(rowMapper(t.table)) as Row[],
      input.limit,
      (r) => r.id,
    );
  }
  const page = keyset({ id: t.id }, input.cursor);
  const rows = (await tx
    .select()
    .from(t.table)
    .where(and(page.where, ...filters))
    .orderBy(...page.orderBy)
    .limit(input.limit + 1)) as Row[];
  return pageOf(rows, input.limit, (row) => row.id);
}

export const stale = (entity: Entity) =>
  new AppError("CONFLICT", `master_data.${entity.key}.stale`, {
    en: `${entity.label.en} was changed by someone else; reload and try again`,
    bn: `${entity.label.bn} অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন`,
  });

/**
 * Applies `patch` if the record is still at `expectedVersion`, bumping the version; the row before
 * and after. A missing record is NOT_FOUND, a stale version CONFLICT.
 */
export async function updateVersioned<Row>(
  tx: Tx,
  t: RecordTable,
  entity: Entity,
  input: { id: string; expectedVersion: number },
  patch: Record<string, unknown>,
  now: Date,
  /** Refuses the change for the record as it is (e.g. archived), after the version check. */
  check?: (before: Row) => void,
): Promise<{ before: Row; after: Row }> {
  const before = await lockRecord<Row & { version: number }>(tx, t, entity, input.id);
  if (before.version !== input.expectedVersion) {
    throw stale(entity);
  }
  check?.(before);
  const [after] = await tx
    .update(t.table)
    .set({ ...patch, version: sql`${t.version} + 1`, updatedAt: now })
    .where(eq(t.id, input.id))
    .returning();
  return { before, after: after as Row };
}

/** Drops keys whose value is undefined, so a patch only touches what the caller sent. */
export function definedOnly<T extends Record<string, unknown>>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface PgUniqueError {
  code: string;
  constraint_name?: string;
  constraint?: string;
}

function uniqueViolation(error: unknown): PgUniqueError | undefined {
  for (const candidate of [error, (error as { cause?: unknown } | null)?.cause]) {
    if (
      typeof candidate === "object" &&
      candidate !== null &&
      (candidate as PgUniqueError).code === "23505"
    ) {
      return candidate as PgUniqueError;
    }
  }
  return undefined;
}

/**
 * Runs a write whose unique indexes stand for fields: a duplicate becomes CONFLICT naming the field
 * (`bin`, `code`…) instead of an anonymous "already exists".
 */
export async function uniqueFields<T>(
  write: Promise<T>,
  entity: Entity,
  fields: Readonly<Record<string, string>>,
): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const violation = uniqueViolation(error);
    const field = fields[violation?.constraint_name ?? violation?.constraint ?? ""];
    if (field) {
      throw new AppError(
        "CONFLICT",
        `master_data.${entity.key}.${field}_taken`,
        {
          en: `Another ${entity.label.en.toLowerCase()} already has this ${field}`,
          bn: `অন্য একটি ${entity.label.bn}-এর এই ${field} ইতিমধ্যে আছে`,
        },
        field,
      );
    }
    throw error;
  }
}
