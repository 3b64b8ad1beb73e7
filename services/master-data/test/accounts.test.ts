import { afterAll, beforeAll, expect, test } from "bun:test";
import { failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("accounts");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

test("a company gets the Bangladesh chart of accounts once; each company its own", async () => {
  const t = await h.newTenant();
  const company = Bun.randomUUIDv7();
  const added = await t.api.accounts.installTemplate.mutate({ companyId: company });
  const byCode = new Map(added.map((a) => [a.code, a]));
  for (const [code, name] of [
    ["1140", "VAT input (current account)"],
    ["2120", "VAT output"],
    ["2130", "VAT payable"],
    ["1150", "VDS receivable"],
    ["2140", "VDS payable"],
    ["1160", "TDS receivable"],
    ["2150", "TDS payable"],
    ["1170", "Advance income tax (AIT)"],
    ["2160", "Retention payable"],
    ["1180", "Mobilisation advance paid"],
    ["2170", "Mobilisation advance received"],
    ["1210", "Work in progress: construction"],
  ] as const) {
    expect(byCode.get(code)).toMatchObject({ name, isGroup: false, companyId: company });
    expect(byCode.get(code)?.nameBn).toMatch(/[\u0980-\u09FF]/);
  }
  expect(byCode.get("2150")?.parentId).toBe(byCode.get("2100")?.id ?? "");
  expect(byCode.get("2100")?.parentId).toBe(byCode.get("2000")?.id ?? "");
  expect(byCode.get("1000")).toMatchObject({ parentId: null, isGroup: true, type: "asset" });
  expect(await t.api.accounts.installTemplate.mutate({ companyId: company })).toEqual([]);
  const other = await t.api.accounts.installTemplate.mutate({ companyId: Bun.randomUUIDv7() });
  expect(other).toHaveLength(added.length);
  expect(
    (await h.events(t.tenantId)).filter((e) => e.type === "vextrus.master_data.account.created"),
  ).toHaveLength(added.length * 2);
  const vat = await t.api.accounts.list.query({ companyId: company, search: "ভ্যাট", limit: 100 });
  expect(vat.items.map((a) => a.code).sort()).toEqual(["1140", "1150", "2120", "2130", "2140"]);
});

test("codes are unique per company; a ledger has no children; parents share company and type", async () => {
  const t = await h.newTenant();
  const company = Bun.randomUUIDv7();
  const otherCompany = Bun.randomUUIDv7();
  const mine = new Map(
    (await t.api.accounts.installTemplate.mutate({ companyId: company })).map((a) => [a.code, a]),
  );
  const theirs = new Map(
    (await t.api.accounts.installTemplate.mutate({ companyId: otherCompany })).map((a) => [a.code, a]),
  );
  const id = (map: Map<string, { id: string }>, code: string) => map.get(code)?.id ?? "";
  const dup = await failure(
    t.api.accounts.create.mutate({ companyId: company, code: "1110", name: "Petty cash", type: "asset" }),
  );
  expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.account.code_taken" });
  expect(dup.issues?.[0]?.path).toBe("code");
  const refusals: [Record<string, unknown>, string, string][] = [
    [{ parentId: id(mine, "1110") }, "parentId", "ledger"],
    [{ parentId: id(mine, "2100") }, "type", "type"],
    [{ parentId: id(theirs, "1100") }, "parentId", "company"],
  ];
  for (const [change, field, why] of refusals) {
    const refused = await failure(
      t.api.accounts.create.mutate({
        companyId: company,
        code: "1111",
        name: "Petty cash",
        type: "asset",
        ...change,
      }),
    );
    expect(refused.code, why).toBe("BAD_REQUEST");
    expect(refused.issues?.[0]?.path, why).toBe(field);
  }
  const petty = await t.api.accounts.create.mutate({
    companyId: company,
    code: "1111",
    name: "Petty cash",
    nameBn: "খুচরা নগদ",
    type: "asset",
    parentId: id(mine, "1100"),
  });
  expect(petty).toMatchObject({ isGroup: false, version: 1 });
  const emptying = await failure(
    t.api.accounts.update.mutate({ id: id(mine, "1100"), expectedVersion: 1, isGroup: false }),
  );
  expect(emptying).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.account.ledger_children" });
  expect(emptying.issues?.[0]?.path).toBe("isGroup");
  const cycle = await failure(
    t.api.accounts.update.mutate({ id: id(mine, "1000"), expectedVersion: 1, parentId: id(mine, "1100") }),
  );
  expect(cycle.appCode).toBe("master_data.account.cycle");
  const inUse = await failure(t.api.accounts.archive.mutate({ id: id(mine, "1200"), expectedVersion: 1 }));
  expect(inUse).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "master_data.account.in_use" });
  const moved = await t.api.accounts.update.mutate({
    id: petty.id,
    expectedVersion: 1,
    parentId: id(mine, "1200"),
    name: "Site petty cash",
  });
  expect(moved).toMatchObject({ parentId: id(mine, "1200"), version: 2 });
  expect(
    (await failure(t.api.accounts.update.mutate({ id: petty.id, expectedVersion: 1, name: "x" }))).code,
  ).toBe("CONFLICT");
});

test("another tenant cannot see, use or change a company's accounts", async () => {
  const a = await h.newTenant();
  const b = await h.newTenant();
  const company = Bun.randomUUIDv7();
  const [root] = await a.api.accounts.installTemplate.mutate({ companyId: company });
  if (!root) {
    throw new Error("template installed nothing");
  }
  expect((await failure(b.api.accounts.get.query({ id: root.id }))).code).toBe("NOT_FOUND");
  expect((await b.api.accounts.list.query({ companyId: company })).items).toEqual([]);
  const borrowed = await failure(
    b.api.accounts.create.mutate({
      companyId: company,
      code: "9",
      name: "x",
      type: "asset",
      parentId: root.id,
    }),
  );
  expect(borrowed.issues?.[0]?.path).toBe("parentId");
  expect((await failure(b.api.accounts.archive.mutate({ id: root.id, expectedVersion: 1 }))).code).toBe(
    "NOT_FOUND",
  );
});
