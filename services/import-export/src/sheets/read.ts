import { csvRows } from "./csv.ts";
import { xlsxRows } from "./xlsx.ts";

export type SheetFormat = "csv" | "xlsx";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A file's format from its content type or name. */
export const formatOf = (file: { name: string; contentType: string }): SheetFormat =>
  file.contentType === XLSX_TYPE || file.name.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv";

/** Rows of a spreadsheet, each an array of cell texts, as they arrive. */
export const readRows = (stream: ReadableStream<Uint8Array>, format: SheetFormat) =>
  format === "xlsx" ? xlsxRows(stream) : csvRows(stream);
