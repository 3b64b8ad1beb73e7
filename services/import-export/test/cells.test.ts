import { describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { mapHeaders } from "../src/domain/jobs/stage.ts";
import { convertCell, parseDate } from "../src/sheets/cells.ts";
import { csvRows } from "../src/sheets/csv.ts";
import { csvLine, neutralize } from "../src/sheets/write.ts";
import { xlsxRows } from "../src/sheets/xlsx.ts";
import type { ImportColumn } from "../src/upstream/master-data.ts";

const column = (kind: ImportColumn["kind"], name = "x"): ImportColumn => ({
  name,
  title: { en: name, bn: name },
  required: false,
  kind,
  example: "",
});

describe("cells as Bangladeshi spreadsheets write them", () => {
  test("dates: dd/mm/yyyy (with / - or .), Bengali digits, ISO, Excel serials; impossible dates refused", () => {
    expect(parseDate("05/03/2025")).toBe("2025-03-05");
    expect(parseDate("5-3-2025")).toBe("2025-03-05");
    expect(parseDate("০৫.০৩.২০২৫")).toBe("2025-03-05");
    expect(parseDate("2025-03-05")).toBe("2025-03-05");
    expect(parseDate("45721")).toBe("2025-03-05");
    expect(parseDate(45721)).toBe("2025-03-05");
    expect(parseDate("31/02/2025")).toBeUndefined();
    expect(parseDate("next week")).toBeUndefined();
    expect(convertCell(column("date"), "31/12/2024")).toBe("2024-12-31");
    expect(convertCell(column("date"), "someday")).toBe("someday");
  });

  test("numbers: Bengali digits, lakh separators, taka signs; what is not a number goes on as written", () => {
    expect(convertCell(column("integer"), "৩০")).toBe(30);
    expect(convertCell(column("money"), "১২,৫০,০০০.৫০")).toBe("1250000.50");
    expect(convertCell(column("money"), "৳ 1,500")).toBe("1500");
    expect(convertCell(column("money"), "Tk. 99.5")).toBe("99.5");
    expect(convertCell(column("integer"), "thirty")).toBe("thirty");
    expect(convertCell(column("list"), "supplier; contractor ;")).toEqual(["supplier", "contractor"]);
  });

  test("headers: given mapping, then remembered, then field name or either title; each field once", () => {
    const columns = [
      { ...column("text", "name"), title: { en: "Legal name", bn: "আইনি নাম" } },
      { ...column("list", "roles"), title: { en: "Roles", bn: "ভূমিকা" } },
    ];
    expect(mapHeaders(["Legal name *", "ভূমিকা", "Colour"], columns, {}, {})).toEqual({
      mapping: { "Legal name *": "name", ভূমিকা: "roles" },
      unmapped: ["Colour"],
    });
    expect(mapHeaders(["Party", "Type"], columns, { Party: "name" }, { Type: "roles" }).mapping).toEqual({
      Party: "name",
      Type: "roles",
    });
    expect(mapHeaders(["name", "Legal name"], columns, {}, {}).unmapped).toEqual(["Legal name"]);
  });
});

describe("cells written out", () => {
  test("formula injection is neutralised; plain numbers, negative ones too, are not", () => {
    for (const bad of ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
      expect(neutralize(bad)).toBe(`'${bad}`);
    }
    expect(neutralize("-1250.50")).toBe("-1250.50");
    expect(neutralize("রহিম")).toBe("রহিম");
    expect(csvLine(["a,b", 'say "hi"', "=x"])).toBe('"a,b","say ""hi""",\'=x\r\n');
  });
});

describe("CSV read as it streams", () => {
  const rowsOf = async (text: string, cut: number) => {
    const bytes = new TextEncoder().encode(text);
    // Chunks of `cut` bytes: quotes, line ends and Bengali letters split across chunks.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += cut) {
          controller.enqueue(bytes.slice(i, i + cut));
        }
        controller.close();
      },
    });
    const rows: string[][] = [];
    for await (const row of csvRows(stream)) {
      rows.push(row);
    }
    return rows;
  };

  test("quotes, escaped quotes, line breaks in quotes, CRLF / LF / CR, a BOM, blank lines; any chunking", async () => {
    const text =
      '\uFEFFname,note,amount\r\n"Rahim, Karim & Sons","He said ""hi""\r\nthen left","1,50,000"\r\n\r\nরহিম,,৳ ৫০\nlast,"",x\rshort\n"unterminated';
    const expected = [
      ["name", "note", "amount"],
      ["Rahim, Karim & Sons", 'He said "hi"\r\nthen left', "1,50,000"],
      ["রহিম", "", "৳ ৫০"],
      ["last", "", "x"],
      ["short"],
      ["unterminated"],
    ];
    for (const cut of [1, 2, 3, 5, 7, 64, 100_000]) {
      expect(await rowsOf(text, cut)).toEqual(expected);
    }
  });
});

describe("XLSX read as it streams", () => {
  const rowsOf = async (bytes: Uint8Array) => {
    const rows: string[][] = [];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    for await (const row of xlsxRows(stream)) {
      rows.push(row);
    }
    return rows;
  };

  test("shared and inline strings, rich text, numbers, booleans, formula results, gaps, escapes: first sheet only", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("parties");
    sheet.addRow(["name", "amount", "ok", "note"]);
    sheet.addRow(["রহিম & <Sons>", 150000.5, true, { richText: [{ text: "bold " }, { text: "plain" }] }]);
    sheet.getCell("A3").value = "gap after";
    sheet.getCell("D3").value = { formula: "B2*2", result: 300001 };
    sheet.getCell("A4").value = 'quote " and tab\tend';
    sheet.getCell("B4").value = 45123;
    book.addWorksheet("other").addRow(["not read"]);
    const expected = [
      ["name", "amount", "ok", "note"],
      ["রহিম & <Sons>", "150000.5", "true", "bold plain"],
      ["gap after", "", "", "300001"],
      ['quote " and tab\tend', "45123"],
    ];
    // exceljs' workbook writer (shared strings, the sheet before them in the zip) and its streaming one (inline).
    expect(await rowsOf(new Uint8Array(await book.xlsx.writeBuffer()))).toEqual(expected);
    const chunks: Buffer[] = [];
    const sink = new (await import("node:stream")).PassThrough();
    sink.on("data", (c: Buffer) => chunks.push(c));
    const streamed = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false });
    const s = streamed.addWorksheet("parties");
    for (const row of expected) {
      s.addRow(row).commit();
    }
    s.commit();
    await streamed.commit();
    expect(await rowsOf(new Uint8Array(Buffer.concat(chunks)))).toEqual(expected);
  }, 60_000);
});
