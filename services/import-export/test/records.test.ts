import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure, type Stack, startStack, type Tenant, until } from "./harness.ts";

/** Items and the chart of accounts through the same saga as parties: master-data's generic import. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack("records");
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const csv = (lines: string[]) => new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);

async function preview(
  t: Tenant,
  entity: "item" | "account",
  lines: string[],
  input: { mode: "create" | "upsert"; keyColumn?: string },
) {
  const file = await t.upload(`${entity}.csv`, csv(lines), "text/csv");
  const created = await t.ie().imports.create.mutate({ entity, fileId: file.id, ...input });
  const ready = await until("the preview", async () => {
    const got = await t.ie().imports.get.query({ id: created.id });
    return got.status === "ready" || got.status === "failed" ? got : undefined;
  });
  expect(ready.error ?? null).toBeNull();
  const rows = (await t.ie().imports.rows.query({ importId: ready.id })).items;
  return { ready, rows };
}

async function settled(t: Tenant, id: string, status: "applied" | "rolled_back") {
  return until(status, async () => {
    const got = await t.ie().imports.get.query({ id });
    if (got.status === "failed") {
      throw new Error(`import failed: ${got.error}`);
    }
    return got.status === status ? got : undefined;
  });
}

async function events(t: Tenant) {
  const rows = await stack.mdSql`
    select event->>'type' as type from master_data.outbox where tenant_id = ${t.tenantId} order by id`;
  return rows.map((r) => r.type as string);
}

describe("items", () => {
  test("template from master-data's item schema; preview with references by code, diff, errors; apply, rollback; another tenant untouched", async () => {
    const t = await stack.tenant();
    const other = await stack.tenant();
    const template = await t.ie().imports.template.query({ entity: "item", format: "csv" });
    const [en, bn] = Buffer.from(template.base64, "base64").toString("utf8").slice(1).split("\r\n");
    expect(en).toContain("Item code *");
    expect(en).toContain("Base unit (code) *");
    expect(bn).toContain("পণ্যের কোড");
    expect(template.columns.find((c) => c.name === "vatRate")?.options).toEqual([
      "15",
      "10",
      "7.5",
      "5",
      "0",
    ]);
    expect(template.columns.find((c) => c.name === "vatCategory")?.options).toEqual([
      "standard",
      "reduced_10",
      "reduced_7_5",
      "reduced_5",
      "zero_rated",
      "exempt",
    ]);

    const unit = (code: string, category: "mass" | "volume" | "count", factor: string, api = t) =>
      api.md.units.create.mutate({ code, name: code, category, factor });
    const kg = await unit("kg", "mass", "1");
    await unit("ton", "mass", "1000");
    await unit("litre", "volume", "1");
    await unit("bag", "count", "1");
    await unit("foreign", "mass", "1", other);
    await t.md.itemGroups.create.mutate({ code: "CEMENT", name: "Cement" });
    const existing = await t.md.items.create.mutate({
      code: "EXISTING",
      name: "Existing",
      baseUnitId: kg.id,
    });
    // The other tenant's item of the same code is neither matched nor changed.
    const theirs = await other.md.items.create.mutate({
      code: "CEM-OPC",
      name: "Theirs",
      baseUnitId: (await other.md.units.list.query({})).items[0]?.id ?? "",
    });

    const { ready, rows } = await preview(
      t,
      "item",
      [
        "code,name,groupId,baseUnitId,purchaseUnitId,vatCategory,vatRate,hsCode,standardRate",
        'CEM-OPC,OPC cement 50 kg,CEMENT,bag,bag,,15,2523.29.00,"৫৬০.০০"',
        'ROD-60,MS rod,,kg,ton,,7.5,,"95,000.50"',
        "BAD-UNIT,Bad unit,,foreign,,,15,,",
        "BAD-CAT,Wrong category,,kg,litre,,15,,",
        "BAD-VAT,Odd VAT,,kg,,exempt,15,,",
        "EXISTING,Existing renamed,,kg,,,10,,",
      ],
      { mode: "upsert", keyColumn: "code" },
    );
    expect(ready.preview).toEqual({ create: 2, update: 1, unchanged: 0, error: 3 });
    expect(rows.map((r) => r.action)).toEqual(["create", "create", "error", "error", "error", "update"]);
    expect(rows[2]?.errors?.map((e) => [e.column, e.code])).toEqual([
      ["baseUnitId", "import.reference.unknown"],
    ]);
    expect(rows[2]?.errors?.[0]?.bn).toMatch(/[\u0980-\u09FF]/);
    expect(rows[3]?.errors?.map((e) => e.column)).toEqual(["purchaseUnitId"]);
    expect(rows[4]?.errors?.map((e) => e.column)).toEqual(["vatRate"]);
    expect(rows[5]?.diff).toEqual([
      { field: "name", from: "Existing", to: "Existing renamed" },
      { field: "vatRate", from: 15, to: 10 },
      { field: "vatCategory", from: "standard", to: "reduced_10" },
    ]);
    expect((await t.md.items.list.query({})).items.map((i) => i.code)).toEqual(["EXISTING"]);

    await t.ie().imports.commit.mutate({ id: ready.id, expectedVersion: ready.version });
    const done = await settled(t, ready.id, "applied");
    expect(done.progress).toMatchObject({ done: 6, failed: 3 });
    const items = (await t.md.items.list.query({})).items;
    expect(
      Object.fromEntries(
        items.map((i) => [i.code, [i.name, i.vatCategory, i.vatRate, i.standardRate, i.hsCode]]),
      ),
    ).toEqual({
      EXISTING: ["Existing renamed", "reduced_10", 10, null, null],
      "CEM-OPC": ["OPC cement 50 kg", "standard", 15, "560.00", "25232900"],
      "ROD-60": ["MS rod", "reduced_7_5", 7.5, "95000.50", null],
    });
    expect(items.find((i) => i.code === "CEM-OPC")?.baseUnitId).toBe(
      (await t.md.units.list.query({ search: "bag" })).items[0]?.id,
    );
    expect((await events(t)).filter((e) => e.startsWith("vextrus.master_data.item."))).toEqual([
      "vextrus.master_data.item.created",
      "vextrus.master_data.item.created",
      "vextrus.master_data.item.created",
      "vextrus.master_data.item.updated",
    ]);
    expect(await other.md.items.get.query({ id: theirs.id })).toMatchObject({ name: "Theirs", version: 1 });

    await t.ie().imports.rollback.mutate({ id: ready.id, expectedVersion: done.version });
    await settled(t, ready.id, "rolled_back");
    expect(
      (await t.md.items.list.query({})).items.map((i) => [i.code, i.name, i.vatCategory, i.vatRate]),
    ).toEqual([["EXISTING", "Existing", "standard", 15]]);
    expect(await t.md.items.get.query({ id: existing.id })).toMatchObject({ version: 3 });

    // Without master-data's item import permission the import is refused up front.
    const limited = await stack.tenant(["import-export:*", "file-storage:*", "master-data:item:read"]);
    const file = await limited.upload("x.csv", csv(["code,name,baseUnitId", "A,A,kg"]), "text/csv");
    const refused = await failure(
      limited.ie().imports.create.mutate({ entity: "item", fileId: file.id, mode: "create" }),
    );
    expect(refused.code).toBe("FORBIDDEN");
  }, 120_000);
});

describe("chart of accounts", () => {
  test("parents by code (above in the file), parent rules per row, upsert within the company, rollback", async () => {
    const t = await stack.tenant();
    const company = Bun.randomUUIDv7();
    const elsewhere = Bun.randomUUIDv7();
    // The same code in another company of the tenant is another account.
    const theirs = await t.md.accounts.create.mutate({
      companyId: elsewhere,
      code: "1000",
      name: "Their assets",
      type: "asset",
      isGroup: true,
    });
    const { ready, rows } = await preview(
      t,
      "account",
      [
        "companyId,code,name,type,isGroup,parentId",
        `${company},1000,Assets,asset,yes,`,
        `${company},1100,Current assets,asset,হ্যাঁ,1000`,
        `${company},1110,Cash in hand,asset,no,1100`,
        `${company},1120,Under a ledger,asset,no,1110`,
        `${company},4000,Sales,income,no,1000`,
        `${company},1130,Ghost parent,asset,no,9999`,
        `${company},1110,Cash again,asset,no,1100`,
        // A malformed company is the row's error (the key lookup is scoped only by a well-formed one).
        "not-a-company,2000,Bad company,asset,no,",
      ],
      { mode: "create" },
    );
    expect(rows.map((r) => r.action)).toEqual([
      "create",
      "create",
      "create",
      "error",
      "error",
      "error",
      "error",
      "error",
    ]);
    expect(rows[7]?.errors?.map((e) => e.column)).toEqual(["companyId"]);
    expect(rows[3]?.errors?.map((e) => [e.column, e.code])).toEqual([
      ["parentId", "master_data.account.parent"],
    ]);
    expect(rows[4]?.errors?.map((e) => e.column)).toEqual(["type"]);
    expect(rows[5]?.errors?.map((e) => [e.column, e.code])).toEqual([
      ["parentId", "import.reference.unknown"],
    ]);
    expect(rows[6]?.errors?.map((e) => e.column)).toEqual(["code"]);

    await t.ie().imports.commit.mutate({ id: ready.id, expectedVersion: ready.version });
    await settled(t, ready.id, "applied");
    const mine = (await t.md.accounts.list.query({ companyId: company })).items;
    const byCode = new Map(mine.map((a) => [a.code, a]));
    expect([...byCode.keys()].sort()).toEqual(["1000", "1100", "1110"]);
    expect(byCode.get("1100")?.parentId).toBe(byCode.get("1000")?.id);
    expect(byCode.get("1110")).toMatchObject({ parentId: byCode.get("1100")?.id, isGroup: false });

    // Upsert by code: matched within the row's company, never the other company's 1000.
    const second = await preview(
      t,
      "account",
      [
        "companyId,code,name,type,isGroup,parentId",
        `${company},1000,Assets,asset,yes,`,
        `${company},1110,Cash at the office,asset,no,1100`,
        `${company},1100,Current assets,liability,yes,1000`,
      ],
      { mode: "upsert", keyColumn: "code" },
    );
    expect(second.rows.map((r) => r.action)).toEqual(["unchanged", "update", "error"]);
    expect(second.rows[1]?.diff).toEqual([{ field: "name", from: "Cash in hand", to: "Cash at the office" }]);
    expect(second.rows[2]?.errors?.map((e) => [e.column, e.code])).toEqual([["type", "import.field.fixed"]]);
    await t.ie().imports.commit.mutate({ id: second.ready.id, expectedVersion: second.ready.version });
    const done = await settled(t, second.ready.id, "applied");
    expect((await t.md.accounts.get.query({ id: byCode.get("1110")?.id ?? "" })).name).toBe(
      "Cash at the office",
    );
    await t.ie().imports.rollback.mutate({ id: second.ready.id, expectedVersion: done.version });
    await settled(t, second.ready.id, "rolled_back");
    expect((await t.md.accounts.get.query({ id: byCode.get("1110")?.id ?? "" })).name).toBe("Cash in hand");
    expect(await t.md.accounts.get.query({ id: theirs.id })).toMatchObject({
      name: "Their assets",
      version: 1,
    });

    // Exported, then the export's columns import back as they are: every row unchanged.
    const queued = await t.ie().exports.create.mutate({
      entity: "account",
      format: "csv",
      filter: { companyId: company },
      columns: ["companyId", "code", "name", "type", "isGroup", "parentId"],
    });
    const exported = await until("the export", async () => {
      const got = await t.ie().exports.get.query({ id: queued.id });
      return got.status === "done" || got.status === "failed" ? got : undefined;
    });
    expect(exported.rows).toBe(3);
    const text = (await (await fetch(exported.downloadUrl ?? "")).text()).replace(/^\uFEFF/, "");
    const again = await preview(t, "account", text.trim().split("\r\n"), {
      mode: "upsert",
      keyColumn: "code",
    });
    expect(again.ready.preview).toEqual({ create: 0, update: 0, unchanged: 3, error: 0 });
  }, 120_000);
});
