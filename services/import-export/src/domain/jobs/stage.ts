import { toLatinDigits } from "@vextrus/bd";
import { AppError } from "@vextrus/platform";
import { eq, sql } from "drizzle-orm";
import { importMappings, importRows, imports } from "../../db/schema.ts";
import { convertCell, normalizeHeader } from "../../sheets/cells.ts";
import { readRows } from "../../sheets/read.ts";
import type { ImportColumn, ImportSpec, RowOutcome } from "../../upstream/master-data.ts";
import type { ImportRow } from "../common.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import type { Job } from "./job.ts";

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

/** A row read from the file, converted, on its way to the preview and the staging table. */
interface Staged {
  rowNo: number;
  /** The row's cells in the file's column order (the errors file writes them back). */
  raw: string[];
  values: Record<string, unknown>;
  key: string | null;
}

/**
 * The statement that stages a batch with what the owning service said of each row: one insert of
 * the whole batch, its rows sent as one JSON parameter (not six parameters a row; COPY is refused
 * on a table under row-level security).
 */
function stageSql(row: ImportRow, rows: readonly Staged[], outcomes: readonly RowOutcome[]) {
  const byRow = new Map(outcomes.map((o) => [o.rowNo, o]));
  const json = JSON.stringify(
    rows.map((r) => {
      const o = byRow.get(r.rowNo);
      return {
        row_no: r.rowNo,
        raw: r.raw,
        values: r.values,
        key: r.key,
        action: o?.action ?? null,
        target_id: o?.id ?? null,
        target_version: o?.version ?? null,
        diff: o?.diff ?? null,
        errors: o?.errors ?? null,
      };
    }),
  );
  return sql`
    insert into ${importRows}
      (tenant_id, import_id, row_no, raw, "values", key, action, target_id, target_version, diff, errors)
    select ${row.tenantId}, ${row.id}, v.row_no, v.raw, v."values", v.key, v.action::import_export.row_action,
      v.target_id, v.target_version, v.diff, v.errors
    from jsonb_to_recordset(${json}::jsonb) as v(
      row_no int, raw jsonb, "values" jsonb, key text, action text, target_id uuid, target_version int,
      diff jsonb, errors jsonb)`;
}

/**
 * Reads the file as it streams from storage and previews it in one pass: each batch of rows goes to
 * the owning service's dry run (its schema and its diff against the current records, one call a
 * batch) and is then staged with the answer in one insert. Two batches are in flight while the next
 * is read and converted, so none of the three waits for another; the file is never whole in memory.
 * Starting again (a replica stopped mid-file) clears what an earlier attempt staged.
 */
export async function stage(job: Job, row: ImportRow, spec: ImportSpec) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
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
  const started = deps.now().getTime();
  let rowNo = 0;
  let done = 0;
  const previewBatch = async (batch: Staged[]) => {
    const outcomes = await deps.masterData.batch(
      entity,
      {
        importId: row.id,
        mode: row.mode,
        keyColumn: row.keyColumn ?? undefined,
        dryRun: true,
        rows: batch.map((r) => ({ rowNo: r.rowNo, values: r.values })),
      },
      await job.call(),
    );
    done += batch.length;
    const seconds = Math.max(0.001, (deps.now().getTime() - started) / 1000);
    await job.tx(async (tx) => {
      await tx.execute(stageSql(row, batch, outcomes));
      await tx
        .update(imports)
        .set({ done, rowsPerSecond: done / seconds, updatedAt: deps.now() })
        .where(eq(imports.id, row.id));
    });
    deps.metrics.rowsStaged.inc(batch.length);
    for (const o of outcomes) {
      deps.metrics.rowsPreviewed.inc({ action: o.action });
    }
    await job.renew();
  };
  let batch: Staged[] = [];
  // Two batches in flight while the next is read: one at the service while the other's answer is
  // being staged here (the service, this process and PostgreSQL each busy, none waiting on another).
  const inFlight: Promise<void>[] = [];
  const settle = async () => {
    await inFlight.shift();
  };
  const flush = async () => {
    if (batch.length === 0) {
      return;
    }
    const next = batch;
    batch = [];
    if (inFlight.length >= 2) {
      await settle();
    }
    const sent = previewBatch(next);
    // Its failure surfaces at the next await of it, not as an unhandled rejection meanwhile.
    sent.catch(() => undefined);
    inFlight.push(sent);
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
      await Promise.allSettled(inFlight);
      throw new AppError("VALIDATION", "import_export.file.too_many_rows", TOO_MANY(deps.settings.maxRows));
    }
    const raw = headers.map((_, i) => cells[i] ?? "");
    const values: Record<string, unknown> = {};
    for (let i = 0; i < byIndex.length; i++) {
      const column = byIndex[i];
      const cell = raw[i] ?? "";
      if (column && cell.trim() !== "") {
        values[column.name] = convertCell(column, cell);
      }
    }
    const key = row.keyColumn ? keyOf(values[row.keyColumn]) : null;
    batch.push({ rowNo, raw, values, key });
    if (batch.length >= deps.settings.batchRows) {
      await flush();
    }
  }
  await flush();
  while (inFlight.length > 0) {
    await settle();
  }
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

/**
 * Ends the preview once every row is staged with its answer: rows repeating an earlier row's key are
 * refused (one set-based update), the actions counted, and the import is `ready` to apply.
 */
export async function finishPreview(job: Job, row: ImportRow) {
  const { deps } = job;
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
        done: row.total,
        phaseTotal: row.total,
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
