import { rm } from "node:fs/promises";
import { CONTENT_TYPES, sheetWriter, type XlsxCell } from "../../sheets/write.ts";
import type { ImportColumn } from "../../upstream/master-data.ts";
import type { ExportRow } from "../common.ts";
import { ENTITIES, type EntityName } from "../entities.ts";
import type { Job } from "./job.ts";

const PAGE = 100;

/** A record's field as a spreadsheet cell: lists joined with "; ", money kept exact, dates as ISO. */
function cellOf(column: ImportColumn | undefined, value: unknown): XlsxCell {
  if (value === null || value === undefined) {
    return "";
  }
  if (column?.kind === "money") {
    return { money: String(value) };
  }
  if (Array.isArray(value)) {
    return value.map(String).join("; ");
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === "number") {
    return value;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * Writes an entity's records (the owning service's list, page by page, with the export's filter)
 * to a temporary file, then keeps it in file storage. Restarted from the beginning if a replica
 * stops mid-way (nothing is kept until the file is complete).
 */
export async function runExport(job: Job, row: ExportRow) {
  const { deps } = job;
  const entity = ENTITIES[row.entity as EntityName];
  const call = await job.call();
  const spec = await deps.masterData.spec(entity, call);
  const byName = new Map(spec.columns.map((c) => [c.name, c]));
  const title = (name: string) => {
    const c = byName.get(name);
    return c ? c.title[row.locale] : name === "id" ? (row.locale === "bn" ? "আইডি" : "ID") : name;
  };
  const writer = await sheetWriter(row.format, deps.settings.tmpDir);
  const started = deps.now().getTime();
  let rows = 0;
  try {
    writer.row(row.columns.map(title));
    let cursor: string | undefined;
    do {
      const page = await deps.masterData.list(
        entity,
        { ...row.filter, limit: PAGE, ...(cursor ? { cursor } : {}) },
        await job.call(),
      );
      for (const item of page.items) {
        writer.row(row.columns.map((name) => cellOf(byName.get(name), item[name])));
      }
      rows += page.items.length;
      deps.metrics.rowsExported.inc(page.items.length);
      cursor = page.nextCursor ?? undefined;
      await job.progress({
        rows,
        rowsPerSecond: rows / Math.max(0.001, (deps.now().getTime() - started) / 1000),
      });
      await job.renew();
    } while (cursor);
    const written = await writer.close();
    const stamp = deps.now().toISOString().slice(0, 10);
    const file = await deps.files.keep(
      written.path,
      {
        fileName: `${row.entity}-export-${stamp}.${row.format}`,
        contentType: CONTENT_TYPES[row.format],
        size: written.size,
        sha256: written.sha256,
      },
      await job.call(),
    );
    await job.finish(
      { status: "done", fileId: file.id, rows },
      { id: row.id, kind: "export", entity: row.entity, rows, rejected: 0, fileId: file.id },
      "export",
    );
  } finally {
    await rm(writer.path, { force: true });
  }
}
