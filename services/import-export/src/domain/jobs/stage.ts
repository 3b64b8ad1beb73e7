import { toLatinDigits } from "@vextrus/bd";
import { AppError } from "@vextrus/platform";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { importMappings, importRows, imports } from "../../db/schema.ts";
import { convertCell, normalizeHeader } from "../../sheets/cells.ts";
import { readRows } from "../../sheets/read.ts";
import type { ImportColumn, ImportSpec, RowOutcome } from "../../upstream/master-data.ts";
import type { ImportRow } from "../common.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import type { Job } from "./job.ts";

/** Rows written to the staging table per insert. */
const STAGE_BATCH = 1_000;

const EMPTY_FILE = {
  en: "The file has no header row",
  bn: "ফাইলটিতে কোনো শিরোনাম সারি নেই",
};
const TOO_MANY = (max: number) => ({
  en: `The file has more than ${max} rows`,
  bn: `ফাইলটিতে ${max}টির বেশি সারি আছে`,
});
const NO_COLUMNS = {
  en: "No header of the file matches a column; see the template",
  bn: "ফাইলের কোনো শিরোনাম কোনো কলামের সাথে মেলেনি; টেমপ্লেট দেখুন",
};

/**
 * Header → field: the caller's mapping first, then the tenant's remembered one, then the column's
 * field name or its English or Bengali title (without the `*` of required columns).
 */
export function mapHeaders(
  headers: readonly string[],
  columns: readonly ImportColumn[],
  given: Record<string, string>,
  remembered: Record<string, string>,
) {
  const known = new Map<string, string>();
  for (const c of columns) {
    for (const name of [c.name, c.title.en, c.title.bn]) {
      known.set(normalizeHeader(name), c.name);
    }
  }
  const fields = new Set(columns.map((c) => c.name));
  const mapping: Record<string, string> = {};
  const unmapped: string[] = [];
  for (const header of headers) {
    if (header.trim() === "") {
      continue;
    }
    const field = given[header] ?? remembered[header] ?? known.get(normalizeHeader(header));
    if (field && fields.has(field) && !Object.values(mapping).includes(field)) {
      mapping[header] = field;
    } else {
      unmapped.push(header);
    }
  }
  return { mapping, unmapped };
}

/**
 * The template's second and third rows are not data: a Bengali header row (at least half of its
 * cells are columns' Bengali titles) and the example row (every cell is the column's example).
 */
function isTemplateRow(cells: readonly string[], byIndex: readonly (ImportColumn | undefined)[]) {
  let filled = 0;
  let bn = 0;
  let example = 0;
  cells.forEach((cell, i) => {
    const c = byIndex[i];
    if (!c || cell.trim() === "") {
      return;
    }
    filled++;
    bn += cell.trim() === c.title.bn ? 1 : 0;
    example += cell.trim() === c.example ? 1 : 0;
  });
  return filled > 0 && (bn * 2 >= filled || example === filled);
}

/** A key column's value as compared for duplicates within one file: Latin digits, no spaces or dashes. */
const keyOf = (value: unknown) =>
  typeof value === "string" || typeof value === "number"
    ? toLatinDigits(String(value)).replace(/[\s-]/g, "").toLowerCase() || null
    : null;

/**
 * Reads the file as it streams from storage and writes its rows to the staging table a thousand at
 * a time (the file is never whole in memory). Starting again (a replica stopped mid-file) clears
 * what an earlier attempt staged.
 */
export async function stage(job: Job, row: ImportRow, spec: ImportSpec) {
  const { deps } = job;
  const [remembered] = await job.tx((tx) =>
    tx.select().from(importMappings).where(eq(importMappings.entity, row.entity)).limit(1),
  );
  await job.tx((tx) => tx.delete(importRows).where(eq(importRows.importId, row.id)));
  const stream = await deps.files.open(row.fileId, await job.call());
  const rows = readRows(stream, row.format ?? "csv");
  const first = await rows.next();
  if (first.done) {
    throw new AppError("VALIDATION", "import_export.file.empty", EMPTY_FILE);
  }
  const headers = first.value;
  const { mapping, unmapped } = mapHeaders(headers, spec.columns, row.mapping, remembered?.mapping ?? {});
  if (Object.keys(mapping).length === 0) {
    throw new AppError("VALIDATION", "import_export.file.no_columns", NO_COLUMNS);
  }
  const columnsByName = new Map(spec.columns.map((c) => [c.name, c]));
  const byIndex = headers.map((h) => {
    const field = mapping[h];
    return field ? columnsByName.get(field) : undefined;
  });
  let rowNo = 0;
  let batch: (typeof importRows.$inferInsert)[] = [];
  const flush = async () => {
    if (batch.length === 0) {
      return;
    }
    const values = batch;
    batch = [];
    await job.tx(async (tx) => {
      await tx.insert(importRows).values(values);
      await tx.update(imports).set({ done: rowNo, updatedAt: deps.now() }).where(eq(imports.id, row.id));
    });
    deps.metrics.rowsStaged.inc(values.length);
    await job.renew();
  };
  let leading = true;
  for await (const cells of rows) {
    if (leading && isTemplateRow(cells, byIndex)) {
      continue;
    }
    leading = false;
    if (cells.every((cell) => cell.trim() === "")) {
      continue;
    }
    rowNo++;
    if (rowNo > deps.settings.maxRows) {
      throw new AppError("VALIDATION", "import_export.file.too_many_rows", TOO_MANY(deps.settings.maxRows));
    }
    const raw: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    headers.forEach((header, i) => {
      const cell = cells[i] ?? "";
      if (header.trim() !== "") {
        raw[header] = cell;
      }
      const column = byIndex[i];
      if (column && cell.trim() !== "") {
        values[column.name] = convertCell(column, cell);
      }
    });
    const key = row.keyColumn ? keyOf(values[row.keyColumn]) : null;
    batch.push({ tenantId: row.tenantId, importId: row.id, rowNo, raw, values, key });
    if (batch.length >= STAGE_BATCH) {
      await flush();
    }
  }
  await flush();
  await job.tx(async (tx) => {
    await tx
      .update(imports)
      .set({ headers, mapping, unmappedHeaders: unmapped, total: rowNo, updatedAt: deps.now() })
      .where(eq(imports.id, row.id));
    await tx
      .insert(importMappings)
      .values({ tenantId: row.tenantId, entity: row.entity, mapping, updatedAt: deps.now() })
      .onConflictDoUpdate({
        target: [importMappings.tenantId, importMappings.entity],
        set: { mapping, updatedAt: deps.now() },
      });
  });
  return rowNo;
}

const DUPLICATE_IN_FILE = (key: string) => ({
  column: key,
  code: "import_export.key.duplicate_in_file",
  en: `An earlier row of this file has the same ${key}`,
  bn: `এই ফাইলের আগের একটি সারিতে একই ${key} আছে`,
});

/** The statement that writes what the owning service said of each row of a batch. */
export function outcomesSql(importId: string, outcomes: readonly RowOutcome[], applied: boolean) {
  const rowNos = outcomes.map((o) => o.rowNo);
  // The batch's row range, so the join reads those rows by the primary key (not the whole import).
  const range = sql`r.row_no between ${Math.min(...rowNos)} and ${Math.max(...rowNos)}`;
  const json = JSON.stringify(
    outcomes.map((o) => ({
      row_no: o.rowNo,
      action: o.action,
      target_id: o.id ?? null,
      target_version: o.version ?? null,
      diff: o.diff ?? null,
      errors: o.errors ?? null,
      outcome: o.applied ? "applied" : "failed",
    })),
  );
  return applied
    ? sql`
        update ${importRows} r set
          outcome = v.outcome, record_id = v.target_id, errors = coalesce(v.errors, r.errors)
        from jsonb_to_recordset(${json}::jsonb) as v(row_no int, target_id uuid, errors jsonb, outcome text)
        where r.import_id = ${importId} and ${range} and r.row_no = v.row_no`
    : sql`
        update ${importRows} r set
          action = v.action::import_export.row_action, target_id = v.target_id,
          target_version = v.target_version, diff = v.diff, errors = v.errors
        from jsonb_to_recordset(${json}::jsonb)
          as v(row_no int, action text, target_id uuid, target_version int, diff jsonb, errors jsonb)
        where r.import_id = ${importId} and ${range} and r.row_no = v.row_no`;
}

/**
 * Asks the owning service what each staged row would do (a dry run, in batches), then refuses
 * rows repeating an earlier row's key, and counts. The import is then `ready` to apply.
 */
export async function preview(job: Job, row: ImportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  const started = deps.now();
  await job.progress({
    phase: "preview",
    done: 0,
    failed: 0,
    phaseTotal: row.total,
    phaseStartedAt: started,
  });
  let after = 0;
  let done = 0;
  for (;;) {
    const batch = await job.tx((tx) =>
      tx
        .select({ rowNo: importRows.rowNo, values: importRows.values })
        .from(importRows)
        .where(and(eq(importRows.importId, row.id), gt(importRows.rowNo, after)))
        .orderBy(asc(importRows.rowNo))
        .limit(deps.settings.batchRows),
    );
    const last = batch.at(-1);
    if (!last) {
      break;
    }
    const outcomes = await deps.masterData.batch(
      entity,
      { importId: row.id, mode: row.mode, keyColumn: row.keyColumn ?? undefined, dryRun: true, rows: batch },
      await job.call(),
    );
    await job.tx((tx) => tx.execute(outcomesSql(row.id, outcomes, false)));
    for (const o of outcomes) {
      deps.metrics.rowsPreviewed.inc({ action: o.action });
    }
    after = last.rowNo;
    done += batch.length;
    await job.progress({
      done,
      rowsPerSecond: done / Math.max(0.001, (deps.now().getTime() - started.getTime()) / 1000),
    });
    await job.renew();
  }
  const key = row.keyColumn;
  await job.tx(async (tx) => {
    if (key) {
      await tx.execute(sql`
        update ${importRows} r set action = 'error', errors = ${JSON.stringify([DUPLICATE_IN_FILE(key)])}::jsonb
        from (
          select row_no, row_number() over (partition by key order by row_no) as n
          from ${importRows} where import_id = ${row.id} and key is not null and action <> 'error'
        ) d
        where r.import_id = ${row.id} and r.row_no = d.row_no and d.n > 1`);
    }
    const counts = await tx
      .select({ action: importRows.action, n: sql<number>`count(*)::int` })
      .from(importRows)
      .where(eq(importRows.importId, row.id))
      .groupBy(importRows.action);
    const n = (action: string) => counts.find((c) => c.action === action)?.n ?? 0;
    await tx
      .update(imports)
      .set({
        status: "ready",
        creates: n("create"),
        updates: n("update"),
        unchanged: n("unchanged"),
        errors: n("error"),
        leaseOwner: null,
        leaseUntil: null,
        version: sql`${imports.version} + 1`,
        updatedAt: deps.now(),
      })
      .where(eq(imports.id, row.id));
  });
}
