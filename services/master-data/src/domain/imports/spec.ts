import type { Tx } from "@vextrus/platform/db";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { z } from "zod";
import type { RowError } from "./common.ts";

/** A record as read or written, by field. */
export type Rec = Record<string, unknown>;

/** A field holding another record's id, written in a spreadsheet by that record's code (or id). */
export interface Reference {
  field: string;
  label: { en: string; bn: string };
  table: PgTable;
  id: PgColumn;
  code: PgColumn;
  /** The referenced record's field its code is in. */
  codeField: string;
  /** A field of both the row and the referenced record that scopes the code (an account's company). */
  scope?: string;
  /** The entity's own table: a row may name a record an earlier row of the batch creates. */
  self?: boolean;
}

/**
 * A master record importable from a spreadsheet through the generic set-based import
 * (`records.ts`): its create schema, table, key and unique fields, references and the checks its
 * `create` / `update` make that a schema cannot (given the referenced records, read once a batch).
 */
export interface ImportableRecord {
  key: "item" | "account";
  event: "item" | "account";
  label: { en: string; bn: string };
  schema: z.ZodObject;
  table: PgTable;
  columns: Record<string, PgColumn> & { id: PgColumn; version: PgColumn; archivedAt: PgColumn };
  /** Fields a row may be matched to a record by. */
  keys: readonly [string, ...string[]];
  /** Fields no two records share (within `scope`). */
  unique: readonly string[];
  /** The uuid field `unique` is scoped by (an account's company). */
  scope?: string;
  /** Fields an update may not change (given, they must equal the record's). */
  fixed: readonly string[];
  /** Fields an update writes (the record's own with the row's changes over them). */
  updatable: readonly string[];
  references: readonly Reference[];
  /** Rules on a valid row, given its references (`found(field, id)`) and the record it updates. */
  check: (data: Rec, found: (field: string, id: unknown) => Rec | undefined, current?: Rec) => RowError[];
  /** Rules an update needs the database for (a cycle, children), run only for rows changing `fields`. */
  checkUpdate?: { fields: readonly string[]; run: (tx: Tx, data: Rec, current: Rec) => Promise<RowError[]> };
  /**
   * Fields computed from a valid row (and the record it updates) on the server's date, as `create` /
   * `update` compute them (an item's VAT category and rate): written and diffed as if given.
   */
  derive?: (data: Rec, now: Date, current?: Rec) => { fields: Rec; errors: RowError[] };
}
