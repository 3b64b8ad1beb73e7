import ExcelJS from "exceljs";
import type { ImportColumn, ImportSpec } from "../upstream/master-data.ts";
import type { SheetFormat } from "./read.ts";
import { BOM, CONTENT_TYPES, csvLine } from "./write.ts";

/** Row 1: English headers, required ones marked with `*`. */
export const headerOf = (c: ImportColumn) => (c.required ? `${c.title.en} *` : c.title.en);

const columnLetter = (n: number) => {
  let s = "";
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) {
    s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  }
  return s;
};

/** What a cell of the column takes, for the header's note. */
function hint(c: ImportColumn): string {
  const options = c.options ? `: ${c.options.join(", ")}` : "";
  switch (c.kind) {
    case "list":
      return `several values separated by ; (একাধিক মান ; দিয়ে আলাদা করুন)${options}`;
    case "money":
      return "amount in BDT, exact to the poisha (টাকার অঙ্ক)";
    case "integer":
      return "whole number; Bengali digits accepted (পূর্ণ সংখ্যা)";
    case "date":
      return "dd/mm/yyyy (দিন/মাস/বছর)";
    default:
      return c.options ? `one of${options}` : "text (লেখা)";
  }
}

/**
 * The import template of an entity, from the columns its owning service derives from its own
 * schema: English headers (required marked), a Bengali header row, an example row. The XLSX has a
 * note on each header, and a drop-down list for every column with fixed options.
 */
export async function buildTemplate(spec: ImportSpec, format: SheetFormat) {
  const { columns } = spec;
  const fileName = `${spec.entity}-import-template.${format}`;
  if (format === "csv") {
    const text =
      BOM +
      csvLine(columns.map(headerOf)) +
      csvLine(columns.map((c) => c.title.bn)) +
      csvLine(columns.map((c) => c.example));
    return { fileName, contentType: CONTENT_TYPES.csv, bytes: Buffer.from(text, "utf8") };
  }
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(spec.entity, { views: [{ state: "frozen", ySplit: 2 }] });
  const lists = book.addWorksheet("lists", { state: "veryHidden" });
  sheet.addRow(columns.map(headerOf)).font = { bold: true };
  sheet.addRow(columns.map((c) => c.title.bn)).font = { italic: true };
  sheet.addRow(columns.map((c) => c.example)).font = { color: { argb: "FF808080" } };
  let listColumn = 0;
  columns.forEach((c, i) => {
    const letter = columnLetter(i + 1);
    sheet.getColumn(i + 1).width = Math.max(14, c.title.en.length + 4);
    sheet.getCell(`${letter}1`).note = `${c.name}: ${hint(c)}${c.required ? " — required (আবশ্যক)" : ""}`;
    if (c.kind === "choice" && c.options) {
      listColumn++;
      const listLetter = columnLetter(listColumn);
      c.options.forEach((option, j) => {
        lists.getCell(`${listLetter}${j + 1}`).value = option;
      });
      for (let r = 3; r <= 1_000; r++) {
        sheet.getCell(`${letter}${r}`).dataValidation = {
          type: "list",
          allowBlank: !c.required,
          formulae: [`lists!$${listLetter}$1:$${listLetter}$${c.options.length}`],
          showErrorMessage: true,
          errorTitle: c.title.en,
          error: `Choose one of: ${c.options.join(", ")}`,
        };
      }
    }
  });
  const bytes = Buffer.from(await book.xlsx.writeBuffer());
  return { fileName, contentType: CONTENT_TYPES.xlsx, bytes };
}
