import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ExcelJS from "exceljs";
import { failure, type Stack, startStack, type Tenant, until } from "./harness.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack("imports");
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const csv = (lines: string[]) => new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);

async function importFile(
  t: Tenant,
  name: string,
  bytes: Uint8Array,
  input: { mode: "create" | "upsert"; keyColumn?: string },
) {
  const type = name.endsWith(".xlsx")
    ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    : "text/csv";
  const file = await t.upload(name, bytes, type);
  const created = await t.ie().imports.create.mutate({ entity: "party", fileId: file.id, ...input });
  expect(created.status).toBe("staging");
  return until("the preview", async () => {
    const got = await t.ie().imports.get.query({ id: created.id });
    return got.status === "ready" || got.status === "failed" ? got : undefined;
  });
}

async function applied(t: Tenant, id: string, status: "applied" | "rolled_back" = "applied") {
  return until(status, async () => {
    const got = await t.ie().imports.get.query({ id });
    if (got.status === "failed") {
      throw new Error(`import failed: ${got.error}`);
    }
    return got.status === status ? got : undefined;
  });
}

describe("imports.template", () => {
  test("CSV: English headers with required marked, a Bengali row and an example row, from master-data's schema", async () => {
    const t = await stack.tenant();
    const template = await t.ie().imports.template.query({ entity: "party", format: "csv" });
    const text = Buffer.from(template.base64, "base64").toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    const [en, bn, example] = text.slice(1).split("\r\n");
    expect(en).toContain("Legal name *");
    expect(en).toContain("Roles *");
    expect(en).toContain("BIN");
    expect(en).not.toContain("BIN *");
    expect(bn).toContain("আইনি নাম");
    expect(example).toContain("Rahim Builders Ltd");
    expect(template.columns.map((c) => c.name)).toContain("creditLimit");
  });

  test("XLSX: a drop-down list for every column with fixed options", async () => {
    const t = await stack.tenant();
    const template = await t.ie().imports.template.query({ entity: "party", format: "xlsx" });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(template.base64, "base64") as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) {
      throw new Error("the template has no sheet");
    }
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const kind = headers.indexOf("Kind") + 1;
    expect(kind).toBeGreaterThan(0);
    const validation = sheet.getRow(5).getCell(kind).dataValidation;
    expect(validation?.type).toBe("list");
    const lists = book.getWorksheet("lists");
    expect(lists?.state).toBe("veryHidden");
    expect(sheet.getRow(1).getCell(kind).note).toBeDefined();
  });
});

describe("import a CSV: stage, preview, apply, errors, rollback", () => {
  test("a file with good, bad and Bengali-digit rows is previewed row by row, then applied once", async () => {
    const t = await stack.tenant();
    const file = csv([
      "Legal name *,Name in Bengali,Roles *,BIN,Mobiles,Credit limit (BDT),Payment terms (days),Colour",
      "নাম,বাংলায় নাম,ভূমিকা,বিআইএন,মোবাইল,ঋণসীমা,মেয়াদ,রং",
      'Rahim Builders Ltd,রহিম বিল্ডার্স,supplier;contractor,000123456-0101,০১৭১২-৩৪৫৬৭৮,"১২,৫০,০০০.৫০",৩০,blue',
      "No Roles Ltd,,,,,,,",
      "Bad Bin Ltd,,customer,12345,,,,",
      '=HYPERLINK("x"),,customer,,,-5,,',
    ]);
    const preview = await importFile(t, "parties.csv", file, { mode: "create" });
    expect(preview.status).toBe("ready");
    expect(preview.total).toBe(4);
    expect(preview.preview).toEqual({ create: 1, update: 0, unchanged: 0, error: 3 });
    expect(preview.unmappedHeaders).toEqual(["Colour"]);
    const rows = await t.ie().imports.rows.query({ importId: preview.id });
    expect(rows.items.map((r) => r.action)).toEqual(["create", "error", "error", "error"]);
    expect(rows.items[0]?.values).toMatchObject({ creditLimit: "1250000.50", paymentTermsDays: 30 });
    const noRoles = rows.items[1]?.errors ?? [];
    expect(noRoles.map((e) => e.column)).toEqual(["roles"]);
    expect(noRoles[0]?.bn).toMatch(/[\u0980-\u09FF]/);
    expect(rows.items[2]?.errors?.map((e) => e.column)).toEqual(["bin"]);
    expect(rows.items[3]?.errors?.map((e) => e.column)).toEqual(["creditLimit"]);

    // Nothing applied yet.
    expect((await t.md.parties.list.query({})).items).toHaveLength(0);

    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    const done = await applied(t, preview.id);
    expect(done.progress).toMatchObject({ phase: "apply", done: 4, failed: 3, total: 4 });
    const parties = (await t.md.parties.list.query({})).items;
    expect(parties.map((p) => p.name)).toEqual(["Rahim Builders Ltd"]);
    expect(parties[0]).toMatchObject({
      bin: "0001234560101",
      mobiles: ["+8801712345678"],
      creditLimit: "1250000.50",
      roles: ["supplier", "contractor"],
    });
    // Created exactly as parties.create creates: its event, in master-data's outbox.
    const events = await stack.mdSql`
      select event->>'type' as type from master_data.outbox where tenant_id = ${t.tenantId}`;
    expect(events.map((e) => e.type)).toEqual(["vextrus.master_data.party.created"]);

    // The errors file: the file's own headers and cells, and why, ready to fix and import again.
    const errors = await t.ie().imports.errors.mutate({ importId: preview.id, format: "csv" });
    expect(errors.rows).toBe(3);
    const body = await (await fetch(errors.downloadUrl)).text();
    const lines = body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).toBe(
      "Legal name *,Name in Bengali,Roles *,BIN,Mobiles,Credit limit (BDT),Payment terms (days),Colour,Errors",
    );
    expect(lines[1]).toStartWith("No Roles Ltd,");
    expect(lines[3]).toStartWith('"\'=HYPERLINK(""x"")",'); // formula neutralised, then quoted
    expect(lines).toHaveLength(4);

    // Applying again is refused: the import is done.
    const again = await failure(
      t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: done.version }),
    );
    expect(again.code).toBe("PRECONDITION_FAILED");

    // Rollback archives what the import created.
    await t.ie().imports.rollback.mutate({ id: preview.id, expectedVersion: done.version });
    await applied(t, preview.id, "rolled_back");
    const after = (await t.md.parties.list.query({ includeArchived: true })).items;
    expect(after.map((p) => p.status)).toEqual(["archived"]);
  }, 60_000);

  test("upsert by BIN: an update shows its field diff, an identical row is unchanged; rollback restores", async () => {
    const t = await stack.tenant();
    const first = await t.md.parties.create.mutate({
      name: "Karim Steel",
      roles: ["supplier"],
      bin: "000123456-0101",
      paymentTermsDays: 15,
    });
    await t.md.parties.create.mutate({ name: "Same Same", roles: ["customer"], bin: "000765432-0101" });
    const file = csv([
      "name,roles,bin,paymentTermsDays",
      "Karim Steel Mills,supplier,000123456-0101,30",
      "Same Same,customer,000765432-0101,",
      "Brand New,customer,000111222-0101,",
      "Brand New Again,customer,000111222-0101,",
    ]);
    const preview = await importFile(t, "upsert.csv", file, { mode: "upsert", keyColumn: "bin" });
    expect(preview.preview).toEqual({ create: 1, update: 1, unchanged: 1, error: 1 });
    const rows = (await t.ie().imports.rows.query({ importId: preview.id })).items;
    expect(rows[0]?.diff).toEqual([
      { field: "name", from: "Karim Steel", to: "Karim Steel Mills" },
      { field: "paymentTermsDays", from: 15, to: 30 },
    ]);
    expect(rows[3]?.errors?.[0]?.code).toBe("import_export.key.duplicate_in_file");
    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    const done = await applied(t, preview.id);
    expect(done.progress.failed).toBe(1);
    const karim = await t.md.parties.get.query({ id: first.id });
    expect(karim).toMatchObject({ name: "Karim Steel Mills", paymentTermsDays: 30, version: 2 });

    await t.ie().imports.rollback.mutate({ id: preview.id, expectedVersion: done.version });
    await applied(t, preview.id, "rolled_back");
    expect(await t.md.parties.get.query({ id: first.id })).toMatchObject({
      name: "Karim Steel",
      paymentTermsDays: 15,
    });
  }, 60_000);

  test("an upsert giving a party a BIN another party holds fails that row only, naming the column", async () => {
    const t = await stack.tenant();
    const other = await stack.tenant();
    // Another tenant holding the same BIN is no collision (unique per tenant, never seen).
    await other.md.parties.create.mutate({ name: "Elsewhere", roles: ["supplier"], bin: "000444999-0101" });
    await t.md.parties.create.mutate({
      name: "Holder Ltd",
      roles: ["supplier"],
      bin: "000444111-0101",
    });
    const mover = await t.md.parties.create.mutate({
      name: "Mover Ltd",
      roles: ["supplier"],
      etin: "123456789012",
    });
    const file = csv([
      "name,roles,etin,bin",
      "Mover Ltd,supplier,123456789012,000444111-0101",
      "New One Ltd,customer,123456789013,000444999-0101",
      "Taken Twice Ltd,customer,123456789014,000444222-0101",
      "Taken Again Ltd,customer,123456789015,000444222-0101",
    ]);
    const preview = await importFile(t, "taken.csv", file, { mode: "upsert", keyColumn: "etin" });
    expect(preview.preview).toEqual({ create: 2, update: 0, unchanged: 0, error: 2 });
    const rows = (await t.ie().imports.rows.query({ importId: preview.id })).items;
    expect(rows.map((r) => r.action)).toEqual(["error", "create", "create", "error"]);
    expect(rows[0]?.errors?.map((e) => [e.column, e.code])).toEqual([["bin", "import.unique.taken"]]);
    expect(rows[0]?.errors?.[0]?.bn).toMatch(/[\u0980-\u09FF]/);
    expect(rows[3]?.errors?.map((e) => e.column)).toEqual(["bin"]);

    // The BIN is taken between the preview and the apply: that row fails alone, the batch applies.
    await t.md.parties.create.mutate({ name: "Late Ltd", roles: ["customer"], bin: "000444222-0101" });
    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    const done = await applied(t, preview.id);
    expect(done.progress).toMatchObject({ done: 4, failed: 3 });
    const after = (await t.ie().imports.rows.query({ importId: preview.id })).items;
    expect(after.map((r) => r.outcome)).toEqual(["failed", "applied", "failed", "failed"]);
    expect(after[2]?.errors?.map((e) => e.column)).toEqual(["bin"]);
    expect(await t.md.parties.get.query({ id: mover.id })).toMatchObject({ bin: null, version: 1 });
    const names = (await t.md.parties.list.query({})).items.map((p) => p.name).sort();
    expect(names).toEqual(["Holder Ltd", "Late Ltd", "Mover Ltd", "New One Ltd"]);
    expect((await other.md.parties.list.query({})).items.map((p) => p.name)).toEqual(["Elsewhere"]);
  }, 60_000);

  test("address and bank-account columns: place names understood, merged into the party's lists on update", async () => {
    const t = await stack.tenant();
    const template = await t.ie().imports.template.query({ entity: "party", format: "csv" });
    const names = template.columns.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["addressLine1", "addressDistrictId", "bankAccountNo"]));
    const first = await t.md.parties.create.mutate({
      name: "Address Co",
      roles: ["supplier"],
      bin: "000222333-0101",
      addresses: [
        { kind: "registered", line1: "Old Road 1", divisionId: 6, districtId: 47, postcode: "1000" },
      ],
    });
    const file = csv([
      "name,roles,bin,Address kind,Address,Division,District,Postcode,Bank,Bank branch,Routing number,Bank account no.",
      "Address Co,supplier,000222333-0101,billing,House 12,ঢাকা,Dhaka,১২০৫,Sonali Bank PLC,Motijheel,200274224,0123456789",
      "Nowhere Ltd,customer,000222444-0101,billing,Road 1,Dhaka,Atlantis,1205,,,,",
      "Plain Ltd,customer,000222555-0101,,,,,,,,,",
    ]);
    const preview = await importFile(t, "addr.csv", file, { mode: "upsert", keyColumn: "bin" });
    expect(preview.preview).toEqual({ create: 1, update: 1, unchanged: 0, error: 1 });
    const rows = (await t.ie().imports.rows.query({ importId: preview.id })).items;
    expect(rows[0]?.diff?.map((d) => d.field)).toEqual(["addresses", "bankAccounts"]);
    expect(rows[1]?.errors?.map((e) => e.column)).toEqual(["addressDistrictId"]);
    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    await applied(t, preview.id);
    const party = await t.md.parties.get.query({ id: first.id });
    expect(party.addresses.map((a) => [a.kind, a.line1, a.postcode])).toEqual([
      ["registered", "Old Road 1", "1000"],
      ["billing", "House 12", "1205"],
    ]);
    expect(party.bankAccounts).toEqual([
      {
        bankName: "Sonali Bank PLC",
        branchName: "Motijheel",
        routingNumber: "200274224",
        accountNo: "0123456789",
      },
    ]);
  }, 60_000);

  test("a party changed between the preview and the apply is not overwritten; the batch's others are", async () => {
    const t = await stack.tenant();
    const moved = await t.md.parties.create.mutate({
      name: "Moves Ltd",
      roles: ["supplier"],
      bin: "000333111-0101",
    });
    const stays = await t.md.parties.create.mutate({
      name: "Stays Ltd",
      roles: ["supplier"],
      bin: "000333222-0101",
    });
    const file = csv([
      "name,roles,bin,paymentTermsDays",
      "Moves Ltd,supplier,000333111-0101,10",
      "Stays Ltd,supplier,000333222-0101,20",
    ]);
    const preview = await importFile(t, "moved.csv", file, { mode: "upsert", keyColumn: "bin" });
    expect(preview.preview).toMatchObject({ update: 2 });
    await t.md.parties.update.mutate({
      id: moved.id,
      expectedVersion: moved.version,
      email: "new@moves.com.bd",
    });
    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    const done = await applied(t, preview.id);
    expect(done.progress).toMatchObject({ done: 2, failed: 1 });
    const rows = (await t.ie().imports.rows.query({ importId: preview.id })).items;
    expect(rows.map((r) => r.outcome)).toEqual(["failed", "applied"]);
    expect(rows[0]?.errors?.[0]?.code).toBe("import.target.moved");
    expect(await t.md.parties.get.query({ id: moved.id })).toMatchObject({
      email: "new@moves.com.bd",
      paymentTermsDays: null,
      version: 2,
    });
    expect(await t.md.parties.get.query({ id: stays.id })).toMatchObject({
      paymentTermsDays: 20,
      version: 2,
    });
    const events = await stack.mdSql`
      select event->'data'->'after'->>'paymentTermsDays' as terms from master_data.outbox
      where tenant_id = ${t.tenantId} and event->>'type' = 'vextrus.master_data.party.updated' order by id`;
    // The hand edit's event, then the import's: one for the party it updated, none for the moved one.
    expect(events.map((e) => e.terms)).toEqual([null, "20"]);
  }, 60_000);

  test("rollback leaves alone a record changed since the import, and says so", async () => {
    const t = await stack.tenant();
    const preview = await importFile(
      t,
      "two.csv",
      csv(["name,roles", "Keep Me Ltd,customer", "Undo Me Ltd,customer"]),
      {
        mode: "create",
      },
    );
    await t.ie().imports.commit.mutate({ id: preview.id, expectedVersion: preview.version });
    const done = await applied(t, preview.id);
    const [keep] = (await t.md.parties.list.query({ search: "Keep" })).items;
    if (!keep) {
      throw new Error("the import did not create Keep Me Ltd");
    }
    await t.md.parties.update.mutate({ id: keep.id, expectedVersion: keep.version, paymentTermsDays: 45 });
    await t.ie().imports.rollback.mutate({ id: preview.id, expectedVersion: done.version });
    const rolled = await applied(t, preview.id, "rolled_back");
    expect(rolled.progress.failed).toBe(1);
    const after = (await t.md.parties.list.query({ includeArchived: true })).items;
    expect(Object.fromEntries(after.map((p) => [p.name, p.status]))).toEqual({
      "Keep Me Ltd": "active",
      "Undo Me Ltd": "archived",
    });
  }, 60_000);

  test("XLSX with the template's header rows, a remembered mapping, Bengali headers", async () => {
    const t = await stack.tenant();
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("parties");
    sheet.addRow(["আইনি নাম", "ভূমিকা", "Supplier code"]);
    sheet.addRow(["Legal name", "Roles", "x"]);
    sheet.addRow(["Jamuna Traders", "supplier", "TL-1"]);
    const bytes = new Uint8Array(await book.xlsx.writeBuffer());
    const preview = await importFile(t, "parties.xlsx", bytes, { mode: "create" });
    expect(preview.format).toBe("xlsx");
    expect(preview.mapping).toEqual({ "আইনি নাম": "name", ভূমিকা: "roles" });
    // The English row right under the Bengali header is data here (it is not the template's).
    expect(preview.total).toBe(2);

    // Next time, a header the tenant mapped before is understood without a mapping.
    const first = await t.upload(
      "a.csv",
      csv(["Party,Roles,Licence", "Meghna Ltd,customer,TL-9"]),
      "text/csv",
    );
    const mapped = await t.ie().imports.create.mutate({
      entity: "party",
      fileId: first.id,
      mode: "create",
      mapping: { Party: "name", Licence: "tradeLicenceNo" },
    });
    await until("staged", async () =>
      (await t.ie().imports.get.query({ id: mapped.id })).status === "ready" ? true : undefined,
    );
    const second = await importFile(t, "b.csv", csv(["Party,Roles,Licence", "Padma Ltd,customer,TL-10"]), {
      mode: "create",
    });
    expect(second.mapping).toEqual({ Party: "name", Roles: "roles", Licence: "tradeLicenceNo" });
  }, 60_000);
});

describe("refusals", () => {
  test("an upsert without a key column, an unknown key column, another tenant's file", async () => {
    const t = await stack.tenant();
    const other = await stack.tenant();
    const file = await t.upload("x.csv", csv(["name,roles", "A,customer"]), "text/csv");
    const noKey = await failure(
      t.ie().imports.create.mutate({ entity: "party", fileId: file.id, mode: "upsert" }),
    );
    expect(noKey.code).toBe("BAD_REQUEST");
    expect(noKey.issues?.[0]?.path).toBe("keyColumn");
    const badKey = await failure(
      t.ie().imports.create.mutate({ entity: "party", fileId: file.id, mode: "upsert", keyColumn: "colour" }),
    );
    expect(badKey.code).toBe("BAD_REQUEST");
    const foreign = await failure(
      other.ie().imports.create.mutate({ entity: "party", fileId: file.id, mode: "create" }),
    );
    expect(foreign.code).toBe("NOT_FOUND");
  });

  test("without master-data's import permission the import is FORBIDDEN up front", async () => {
    const t = await stack.tenant(["import-export:*", "file-storage:*", "master-data:party:read"]);
    const file = await t.upload("x.csv", csv(["name,roles", "A,customer"]), "text/csv");
    const refused = await failure(
      t.ie().imports.create.mutate({ entity: "party", fileId: file.id, mode: "create" }),
    );
    expect(refused.code).toBe("FORBIDDEN");
  });
});
