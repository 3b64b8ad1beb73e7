import { Readable } from "node:stream";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";
import { cellText } from "./cells.ts";

export type SheetFormat = "csv" | "xlsx";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** A file's format from its content type or name. */
export const formatOf = (file: { name: string; contentType: string }): SheetFormat =>
  file.contentType === XLSX_TYPE || file.name.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv";

/** CSV rows as they stream in (a byte-order mark dropped, quoted newlines kept). */
async function* csvRows(stream: ReadableStream<Uint8Array>): AsyncGenerator<string[]> {
  const parser = Readable.fromWeb(stream as unknown as Parameters<typeof Readable.fromWeb>[0]).pipe(
    parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }),
  );
  for await (const record of parser) {
    yield record as string[];
  }
}

/** The first worksheet's rows, streamed (exceljs' streaming reader: the workbook is never whole in memory). */
async function* xlsxRows(stream: ReadableStream<Uint8Array>): AsyncGenerator<string[]> {
  const input = Readable.fromWeb(stream as unknown as Parameters<typeof Readable.fromWeb>[0]);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: "cache",
    hyperlinks: "ignore",
    styles: "ignore",
    worksheets: "emit",
    entries: "emit",
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row as ExcelJS.Row).values as unknown[];
      // exceljs rows are 1-based: index 0 is always empty.
      yield Array.from(values.slice(1), cellText);
    }
    return;
  }
}

/** Rows of a spreadsheet, each an array of cell texts, as they arrive. */
export const readRows = (stream: ReadableStream<Uint8Array>, format: SheetFormat) =>
  format === "xlsx" ? xlsxRows(stream) : csvRows(stream);
