import { describe, expect, test } from "bun:test";
import { mapHeaders } from "../src/domain/jobs/stage.ts";
import { convertCell, parseDate } from "../src/sheets/cells.ts";
import { csvLine, neutralize } from "../src/sheets/write.ts";
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
