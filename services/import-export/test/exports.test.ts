import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { failure, type Stack, startStack, type Tenant, until } from "./harness.ts";

let stack: Stack;
let t: Tenant;
beforeAll(async () => {
  stack = await startStack("exports");
  t = await stack.tenant();
  await t.md.parties.create.mutate({
    name: "রহিম বিল্ডার্স",
    roles: ["supplier"],
    creditLimit: "12345678901.25",
  });
  await t.md.parties.create.mutate({ name: '=HYPERLINK("http://evil")', roles: ["customer", "landowner"] });
  await t.md.parties.create.mutate({ name: "Only Customer", roles: ["customer"], creditLimit: "0.10" });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function finished(id: string) {
  return until("the export", async () => {
    const got = await t.ie().exports.get.query({ id });
    if (got.status === "failed") {
      throw new Error(`export failed: ${got.error}`);
    }
    return got.status === "done" ? got : undefined;
  });
}

describe("exports", () => {
  test("CSV: UTF-8 BOM, Bengali headers when asked, formulas neutralised, money exact, filter applied", async () => {
    const queued = await t.ie().exports.create.mutate({
      entity: "party",
      format: "csv",
      filter: { role: "supplier" },
      columns: ["name", "roles", "creditLimit"],
      locale: "bn",
    });
    expect(queued.status).toBe("pending");
    const done = await finished(queued.id);
    expect(done.rows).toBe(1);
    const bytes = new Uint8Array(await (await fetch(done.downloadUrl ?? "")).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text).toBe("আইনি নাম,ভূমিকা,ঋণসীমা (টাকা)\r\nরহিম বিল্ডার্স,supplier,12345678901.25\r\n");

    const all = await t
      .ie()
      .exports.create.mutate({ entity: "party", format: "csv", columns: ["name", "roles"] });
    const body = await (await fetch((await finished(all.id)).downloadUrl ?? "")).text();
    expect(body).toContain('"\'=HYPERLINK(""http://evil"")",customer; landowner\r\n');
  });

  test("XLSX: money a number only where exact, text in cells, every row", async () => {
    const queued = await t
      .ie()
      .exports.create.mutate({ entity: "party", format: "xlsx", columns: ["id", "name", "creditLimit"] });
    const done = await finished(queued.id);
    expect(done.rows).toBe(3);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await (await fetch(done.downloadUrl ?? "")).arrayBuffer()) as ArrayBuffer);
    const sheet = book.worksheets[0];
    const rows = (sheet?.getSheetValues() ?? []).filter(Boolean) as unknown[][];
    expect(rows[0]?.slice(1)).toEqual(["ID", "Legal name", "Credit limit (BDT)"]);
    const byName = new Map(rows.slice(1).map((r) => [r[2], r[3]]));
    expect(byName.get("রহিম বিল্ডার্স")).toBe(12345678901.25);
    expect(byName.get("Only Customer")).toBe(0.1);
    expect(byName.get('\'=HYPERLINK("http://evil")')).toBeUndefined();
  });

  test("a bad filter or column is a 400 naming it; another tenant's export does not exist", async () => {
    const bad = await failure(
      t.ie().exports.create.mutate({ entity: "party", format: "csv", filter: { role: "pilot" } }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.issues?.[0]?.path).toBe("filter.role");
    const column = await failure(
      t.ie().exports.create.mutate({ entity: "party", format: "csv", columns: ["salary"] }),
    );
    expect(column.issues?.[0]?.path).toBe("columns");
    const mine = await t.ie().exports.create.mutate({ entity: "party", format: "csv" });
    const other = await stack.tenant();
    expect((await failure(other.ie().exports.get.query({ id: mine.id }))).code).toBe("NOT_FOUND");
  });
});
