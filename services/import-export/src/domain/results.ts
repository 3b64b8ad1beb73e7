/**
 * What `imports.*` and `exports.*` answer, as zod schemas derived from the tables (drizzle-zod) where a
 * result is a row's view: the routers declare them with `.output(…)`, so the OpenAPI document describes
 * every result.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { exportsTable, importRows, imports } from "../db/schema.ts";
import { ImportColumn } from "../upstream/master-data.ts";

const importRow = createSelectSchema(imports);
const exportRow = createSelectSchema(exportsTable);
const rowOfImport = createSelectSchema(importRows);

const Progress = z.object({
  phase: z.string().nullable().describe("staging, preview, apply or rollback"),
  done: z.number().int(),
  failed: z.number().int(),
  total: z.number().int(),
  rowsPerSecond: z.number().int().nullable(),
  etaSeconds: z.number().int().nullable(),
});

export const ImportResult = z.object({
  ...importRow.pick({
    id: true,
    entity: true,
    fileId: true,
    format: true,
    mode: true,
    keyColumn: true,
    unmappedHeaders: true,
    status: true,
    total: true,
    error: true,
    createdBy: true,
    createdAt: true,
    updatedAt: true,
    version: true,
  }).shape,
  mapping: z.record(z.string(), z.string()).describe("header as written in the file → field"),
  preview: z.object({
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    error: z.number().int(),
  }),
  progress: Progress,
});
export const ImportPage = PageSchema(ImportResult);

export const ImportTemplate = z.object({
  fileName: z.string(),
  contentType: z.string(),
  base64: z.string().describe("the template file, base64"),
  columns: z.array(ImportColumn),
});

const Change = z.object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() });
const RowError = z.object({ column: z.string(), code: z.string(), en: z.string(), bn: z.string() });

export const ImportRowsPage = z.object({
  items: z.array(
    z.object({
      rowNo: z.number().int(),
      action: rowOfImport.shape.action,
      values: z.record(z.string(), z.unknown()).describe("the row's fields as read from the file"),
      recordId: z.uuid().nullable(),
      diff: z.array(Change),
      errors: z.array(RowError),
      outcome: rowOfImport.shape.outcome,
    }),
  ),
  nextAfterRow: z.number().int().nullable().describe("pass as `afterRow` for the next page"),
});

export const ErrorsFile = z.object({
  fileId: z.uuid(),
  rows: z.number().int(),
  downloadUrl: z.string().describe("a presigned link, valid for a short time"),
});

export const ExportResult = z.object({
  ...exportRow.pick({
    id: true,
    entity: true,
    format: true,
    columns: true,
    locale: true,
    status: true,
    rows: true,
    fileId: true,
    error: true,
    createdBy: true,
    createdAt: true,
    updatedAt: true,
    version: true,
  }).shape,
  filter: z.record(z.string(), z.unknown()),
  rowsPerSecond: z.number().int().nullable(),
});
export const ExportPage = PageSchema(ExportResult);
export const ExportWithLink = z.object({
  ...ExportResult.shape,
  downloadUrl: z.string().nullable().describe("once done: a presigned link, valid for a short time"),
});
