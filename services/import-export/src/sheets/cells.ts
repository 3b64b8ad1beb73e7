import { toLatinDigits } from "@vextrus/bd";
import type { ImportColumn } from "../upstream/master-data.ts";

/** A header as compared: lowercase, no required-marker, collapsed spaces. */
export const normalizeHeader = (header: string) =>
  header
    .replace(/\s*\*\s*$/, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();

/** Excel's day 0 is 1899-12-30 (it counts 1900 as a leap year; serials from March 1900 on are right). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date as Bangladeshi spreadsheets write it — dd/mm/yyyy (or with - or .), Bengali digits, an
 * ISO yyyy-mm-dd, or an Excel serial day number — as `yyyy-mm-dd`; undefined when it is none of them.
 */
export function parseDate(cell: string | number | Date): string | undefined {
  if (cell instanceof Date) {
    return Number.isNaN(cell.getTime()) ? undefined : cell.toISOString().slice(0, 10);
  }
  const text = toLatinDigits(String(cell)).trim();
  let y: number;
  let m: number;
  let d: number;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (dmy) {
    [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  } else if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (/^\d{1,6}(\.\d+)?$/.test(text) && Number(text) >= 61) {
    return new Date(EXCEL_EPOCH_MS + Math.floor(Number(text)) * 86_400_000).toISOString().slice(0, 10);
  } else {
    return undefined;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return undefined;
  }
  return date.toISOString().slice(0, 10);
}

/** Digits of a number cell: Bengali digits, thousands separators and a taka sign or "Tk" removed. */
const numeric = (text: string) =>
  toLatinDigits(text)
    .replace(/[,\s৳]/g, "")
    .replace(/^(tk|bdt)\.?/i, "");

/**
 * A cell as the owning service's schema expects it, by the column's kind. Only the form changes
 * (digits, separators, lists, dates): whether the value is acceptable is the schema's to say, so
 * a cell that cannot be converted goes on as written and is refused there with its message.
 */
export function convertCell(column: ImportColumn, cell: string): unknown {
  switch (column.kind) {
    case "integer": {
      const digits = numeric(cell);
      return /^-?\d+$/.test(digits) ? Number(digits) : cell;
    }
    case "money": {
      const digits = numeric(cell);
      return /^-?\d+(\.\d+)?$/.test(digits) ? digits : cell;
    }
    case "list":
      return cell
        .split(/[;,\n]/)
        .map((part) => part.trim())
        .filter((part) => part !== "");
    case "date":
      return parseDate(cell) ?? cell;
    case "choice":
      return cell.trim();
    default:
      return cell.trim();
  }
}
