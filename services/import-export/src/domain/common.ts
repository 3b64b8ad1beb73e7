import { AppError, forbidden, hasPermission, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { exportsTable, imports } from "../db/schema.ts";
import type { IeContext } from "../deps.ts";

export type ImportRow = typeof imports.$inferSelect;
export type ExportRow = typeof exportsTable.$inferSelect;

export const IMPORT = { en: "Import", bn: "ইমপোর্ট" };
export const EXPORT = { en: "Export", bn: "এক্সপোর্ট" };

export async function findImport(tx: Tx, id: string, lock = false): Promise<ImportRow> {
  const query = tx.select().from(imports).where(eq(imports.id, id)).limit(1);
  const [row] = lock ? await query.for("update") : await query;
  if (!row) {
    throw notFound(IMPORT, "import_export.import.not_found");
  }
  return row;
}

export async function findExport(tx: Tx, id: string): Promise<ExportRow> {
  const [row] = await tx.select().from(exportsTable).where(eq(exportsTable.id, id)).limit(1);
  if (!row) {
    throw notFound(EXPORT, "import_export.export.not_found");
  }
  return row;
}

export const stale = () =>
  new AppError("CONFLICT", "import_export.import.stale", {
    en: "The import was changed meanwhile; reload it and try again",
    bn: "ইমপোর্টটি এর মধ্যে পরিবর্তিত হয়েছে; আবার লোড করে চেষ্টা করুন",
  });

/** Moves an import from one of `from` to `to` at the version the caller saw. */
export async function transition(
  tx: Tx,
  row: ImportRow,
  expectedVersion: number,
  from: readonly ImportRow["status"][],
  patch: Partial<typeof imports.$inferInsert>,
  refusal: { en: string; bn: string },
  now: Date,
) {
  if (row.version !== expectedVersion) {
    throw stale();
  }
  if (!from.includes(row.status)) {
    throw new AppError("PRECONDITION_FAILED", "import_export.import.wrong_status", {
      en: `${refusal.en} (the import is ${row.status})`,
      bn: `${refusal.bn} (ইমপোর্টটির অবস্থা: ${row.status})`,
    });
  }
  const [after] = await tx
    .update(imports)
    .set({ ...patch, version: sql`${imports.version} + 1`, updatedAt: now })
    .where(and(eq(imports.id, row.id), eq(imports.version, expectedVersion)))
    .returning();
  if (!after) {
    throw stale();
  }
  return after;
}

/**
 * The caller's permissions a job needs to act for them later: every one of `needed` must be held
 * (the job's token is asked for exactly these, so it can do no more than the caller could).
 */
export function delegated(ctx: IeContext, needed: readonly string[]): string[] {
  const missing = needed.filter((p) => !hasPermission(ctx.principal.permissions, p));
  if (missing.length > 0) {
    throw forbidden("import_export.permission.missing", {
      en: `This needs ${missing.join(", ")} as well`,
      bn: `এর জন্য ${missing.join(", ")} অনুমতিও প্রয়োজন`,
    });
  }
  return [...needed];
}

/** Progress of the running phase, with speed and time left. */
export function progressOf(row: {
  phase: string | null;
  done: number;
  failed: number;
  phaseTotal: number;
  rowsPerSecond: number | null;
}) {
  const rate = row.rowsPerSecond ?? 0;
  const left = Math.max(0, row.phaseTotal - row.done);
  return {
    phase: row.phase,
    done: row.done,
    failed: row.failed,
    total: row.phaseTotal,
    rowsPerSecond: rate > 0 ? Math.round(rate) : null,
    etaSeconds: rate > 0 ? Math.ceil(left / rate) : null,
  };
}

export function importView(row: ImportRow) {
  return {
    id: row.id,
    entity: row.entity,
    fileId: row.fileId,
    format: row.format,
    mode: row.mode,
    keyColumn: row.keyColumn,
    mapping: row.mapping,
    unmappedHeaders: row.unmappedHeaders,
    status: row.status,
    total: row.total,
    preview: { create: row.creates, update: row.updates, unchanged: row.unchanged, error: row.errors },
    progress: progressOf(row),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}

export function exportView(row: ExportRow) {
  return {
    id: row.id,
    entity: row.entity,
    format: row.format,
    filter: row.filter,
    columns: row.columns,
    locale: row.locale,
    status: row.status,
    rows: row.rows,
    rowsPerSecond: row.rowsPerSecond === null ? null : Math.round(row.rowsPerSecond),
    fileId: row.fileId,
    error: row.error,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  };
}
