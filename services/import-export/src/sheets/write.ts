import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { SheetFormat } from "./read.ts";

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A cell that a spreadsheet program would run as a formula (it starts with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, so it is shown as text (OWASP "CSV injection").
 * Plain numbers (a negative amount) are left alone.
 */
export function neutralize(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !DECIMAL.test(text) ? `'${text}` : text;
}

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One CSV line (CRLF, RFC 4180 quoting, formula injection neutralised). */
export const csvLine = (cells: readonly string[]) =>
  `${cells.map((c) => csvField(neutralize(c))).join(",")}\r\n`;

/** UTF-8 byte-order mark: Excel then reads the file as UTF-8 and shows Bengali. */
export const BOM = "\uFEFF";

export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
}

/** A cell of an XLSX row: money (an exact decimal string) as a number only when it is exactly one. */
export type XlsxCell = string | number | { money: string };

function xlsxValue(cell: XlsxCell): string | number {
  if (typeof cell === "object") {
    const n = Number(cell.money);
    return DECIMAL.test(cell.money) && n.toFixed(2) === Number(cell.money).toFixed(2) && Math.abs(n) < 1e13
      ? n
      : cell.money;
  }
  return typeof cell === "string" ? neutralize(cell) : cell;
}

/**
 * A spreadsheet written row by row to a temporary file (never whole in memory), its SHA-256 and size
 * counted as it is written: CSV with a BOM, or XLSX through exceljs' streaming writer.
 */
export async function sheetWriter(format: SheetFormat, dir = tmpdir()) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `vextrus-sheet-${Bun.randomUUIDv7()}.${format}`);
  if (format === "csv") {
    const sink = Bun.file(path).writer();
    const hash = createHash("sha256");
    let size = 0;
    const put = (text: string) => {
      const bytes = Buffer.from(text, "utf8");
      hash.update(bytes);
      size += bytes.length;
      sink.write(bytes);
    };
    put(BOM);
    return {
      path,
      row: (cells: readonly XlsxCell[]) =>
        put(csvLine(cells.map((c) => (typeof c === "object" ? c.money : String(c))))),
      async close(): Promise<WrittenFile> {
        await sink.end();
        return { path, size, sha256: hash.digest("hex") };
      },
    };
  }
  const stream = createWriteStream(path);
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet("Sheet1");
  let first = true;
  return {
    path,
    row(cells: readonly XlsxCell[]) {
      const row = sheet.addRow(cells.map(xlsxValue));
      if (first) {
        row.font = { bold: true };
        first = false;
      }
      cells.forEach((cell, i) => {
        if (typeof cell === "object" && typeof xlsxValue(cell) === "number") {
          row.getCell(i + 1).numFmt = "#,##0.00";
        }
      });
      row.commit();
    },
    async close(): Promise<WrittenFile> {
      sheet.commit();
      await book.commit();
      const bytes = Bun.file(path);
      const hash = createHash("sha256");
      for await (const chunk of bytes.stream()) {
        hash.update(chunk);
      }
      return { path, size: bytes.size, sha256: hash.digest("hex") };
    },
  };
}

export type SheetWriter = Awaited<ReturnType<typeof sheetWriter>>;

export const CONTENT_TYPES: Record<SheetFormat, string> = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};
