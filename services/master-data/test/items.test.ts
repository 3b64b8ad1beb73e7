import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { clientFor, failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("items");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

type Api = Awaited<ReturnType<MdHarness["newTenant"]>>["api"];

async function unitsOf(api: Api) {
  await api.units.installDefaults.mutate();
  const { items } = await api.units.list.query({ limit: 100 });
  const byCode = Object.fromEntries(items.map((u) => [u.code, u]));
  return (code: string) => {
    const unit = byCode[code];
    if (!unit) {
      throw new Error(`no unit ${code}`);
    }
    return unit.id;
  };
}

describe("units", () => {
  test("the Bangladeshi construction units install once per tenant, each announced", async () => {
    const t = await h.newTenant();
    const added = await t.api.units.installDefaults.mutate();
    expect(added.map((u) => u.code).sort()).toEqual(
      [
        "bag",
        "bundle",
        "cft",
        "decimal",
        "katha",
        "kg",
        "m2",
        "m3",
        "nos",
        "rft",
        "rm",
        "sft",
        "ton",
        "truck",
      ].sort(),
    );
    expect(added.find((u) => u.code === "bag")).toMatchObject({
      category: "mass",
      factor: "50.000000000000",
    });
    expect(await t.api.units.installDefaults.mutate()).toEqual([]);
    const events = await h.events(t.tenantId);
    expect(events).toHaveLength(14);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(["vextrus.master_data.unit.created"]));
  });

  test("conversions are exact within a category and refused across categories", async () => {
    const t = await h.newTenant();
    const bn = clientFor(h.app, t.token, { "accept-language": "bn" });
    const u = await unitsOf(t.api);
    const convert = (quantity: string, from: string, to: string) =>
      t.api.units.convert.query({ quantity, fromUnitId: u(from), toUnitId: u(to) });
    expect(await convert("2", "ton", "bag")).toMatchObject({ quantity: "40.000000", exact: true });
    expect(await convert("১", "truck", "cft")).toMatchObject({ quantity: "500.000000", exact: true });
    expect(await convert("3", "katha", "sft")).toMatchObject({ quantity: "2160.000000", exact: true });
    expect(await convert("100", "cft", "m3")).toMatchObject({ quantity: "2.831685", exact: false });
    expect(await convert("1", "m3", "cft")).toMatchObject({ quantity: "35.314667", exact: false });
    expect(await convert("0.000001", "kg", "kg")).toMatchObject({ quantity: "0.000001", exact: true });
    const across = await failure(
      bn.units.convert.query({ quantity: "1", fromUnitId: u("bag"), toUnitId: u("cft") }),
    );
    expect(across).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.unit.other_category" });
    expect(across.issues?.[0]?.path).toBe("toUnitId");
    expect(across.issues?.[0]?.message).toMatch(/[\u0980-\u09FF]/);
    for (const quantity of ["-1", "1.0000001", "1e3", ""]) {
      const bad = await failure(convert(quantity, "kg", "ton"));
      expect(
        bad.issues?.map((i) => i.path),
        quantity,
      ).toEqual(["quantity"]);
    }
  });

  test("a tenant edits its own truck-load; codes are unique; a zero factor is refused", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    const ua = await unitsOf(a.api);
    const ub = await unitsOf(b.api);
    const truck = await a.api.units.get.query({ id: ua("truck") });
    await a.api.units.update.mutate({
      id: truck.id,
      expectedVersion: 1,
      factor: "16.990107955200",
      name: "Truck (600 cft)",
    });
    expect(
      await a.api.units.convert.query({ quantity: "1", fromUnitId: ua("truck"), toUnitId: ua("cft") }),
    ).toMatchObject({
      quantity: "600.000000",
    });
    expect(
      await b.api.units.convert.query({ quantity: "1", fromUnitId: ub("truck"), toUnitId: ub("cft") }),
    ).toMatchObject({
      quantity: "500.000000",
    });
    const dup = await failure(
      a.api.units.create.mutate({ code: "bag", name: "Bag again", category: "mass", factor: "40" }),
    );
    expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.unit.code_taken" });
    expect(dup.issues?.[0]?.path).toBe("code");
    const zero = await failure(
      a.api.units.create.mutate({ code: "x", name: "X", category: "mass", factor: "0" }),
    );
    expect(zero.issues?.map((i) => i.path)).toEqual(["factor"]);
    const drum = await a.api.units.create.mutate({
      code: "drum",
      name: "Drum (200 L)",
      nameBn: "ড্রাম",
      category: "volume",
      factor: 0.2,
    });
    expect(drum.factor).toBe("0.200000000000");
    const other = await failure(
      b.api.units.convert.query({ quantity: "1", fromUnitId: drum.id, toUnitId: ub("m3") }),
    );
    expect(other.code).toBe("NOT_FOUND");
  });
});

describe("items and groups", () => {
  test("an item's units share its base unit's category; HS code, VAT and SD are checked; nothing written on refusal", async () => {
    const t = await h.newTenant();
    const u = await unitsOf(t.api);
    const materials = await t.api.itemGroups.create.mutate({
      code: "MAT",
      name: "Materials",
      nameBn: "মালামাল",
    });
    const cement = await t.api.itemGroups.create.mutate({
      code: "MAT/CEM",
      name: "Cement",
      parentId: materials.id,
    });
    const base = {
      code: "CEM-OPC-50",
      name: "Portland cement (OPC), 50 kg bag",
      nameBn: "পোর্টল্যান্ড সিমেন্ট",
      groupId: cement.id,
      hsCode: "2523.29.00",
      baseUnitId: u("bag"),
      purchaseUnitId: u("ton"),
      salesUnitId: u("bag"),
      standardRate: "580",
      sdRate: "0",
    };
    const before = await h.count("items");
    const bad: [Record<string, unknown>, string][] = [
      [{ salesUnitId: u("cft") }, "salesUnitId"],
      [{ hsCode: "2523" }, "hsCode"],
      [{ vatRate: 12 }, "vatRate"],
      [{ standardRate: "-5" }, "standardRate"],
      [{ sdRate: "600" }, "sdRate"],
      [{ groupId: Bun.randomUUIDv7() }, "groupId"],
      [{ baseUnitId: Bun.randomUUIDv7() }, "baseUnitId"],
    ];
    for (const [change, field] of bad) {
      const refused = await failure(t.api.items.create.mutate({ ...base, ...change } as typeof base));
      expect(refused.code, field).toBe("BAD_REQUEST");
      expect(
        refused.issues?.map((i) => i.path),
        field,
      ).toContain(field);
    }
    expect(await h.count("items")).toBe(before);
    const item = await t.api.items.create.mutate(base);
    expect(item).toMatchObject({
      hsCode: "25232900",
      vatRate: 15,
      vatCategory: "standard",
      sdRate: "0.00",
      standardRate: "580.00",
      kind: "material",
    });
    const dup = await failure(t.api.items.create.mutate(base));
    expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.item.code_taken" });
    const updated = await t.api.items.update.mutate({
      id: item.id,
      expectedVersion: 1,
      vatRate: 7.5,
      purchaseUnitId: null,
    });
    expect(updated).toMatchObject({
      vatRate: 7.5,
      vatCategory: "reduced_7_5",
      purchaseUnitId: null,
      version: 2,
    });
    expect(
      (await failure(t.api.items.update.mutate({ id: item.id, expectedVersion: 1, name: "x" }))).code,
    ).toBe("CONFLICT");
    const found = await t.api.items.list.query({ search: "সিমেন্ট" });
    expect(found.items.map((i) => i.id)).toEqual([item.id]);
    expect((await t.api.items.list.query({ groupId: materials.id })).items).toEqual([]);
    expect(
      (await h.events(t.tenantId)).map((e) => e.type).filter((type) => !type.includes(".unit.")),
    ).toEqual([
      "vextrus.master_data.item_group.created",
      "vextrus.master_data.item_group.created",
      "vextrus.master_data.item.created",
      "vextrus.master_data.item.updated",
    ]);
  });

  test("groups form a tree: no cycles, no archiving a group still in use, archive and restore", async () => {
    const t = await h.newTenant();
    const u = await unitsOf(t.api);
    const top = await t.api.itemGroups.create.mutate({ code: "A", name: "A" });
    const mid = await t.api.itemGroups.create.mutate({ code: "A/B", name: "B", parentId: top.id });
    const leaf = await t.api.itemGroups.create.mutate({ code: "A/B/C", name: "C", parentId: mid.id });
    for (const parentId of [leaf.id, top.id]) {
      const cycle = await failure(
        t.api.itemGroups.update.mutate({ id: top.id, expectedVersion: 1, parentId }),
      );
      expect(cycle).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.item_group.cycle" });
      expect(cycle.issues?.[0]?.path).toBe("parentId");
    }
    const rod = await t.api.items.create.mutate({
      code: "ROD-12",
      name: "MS rod 12 mm",
      groupId: leaf.id,
      baseUnitId: u("kg"),
    });
    const inUse = await failure(t.api.itemGroups.archive.mutate({ id: leaf.id, expectedVersion: 1 }));
    expect(inUse.appCode).toBe("master_data.item_group.in_use");
    await t.api.items.archive.mutate({ id: rod.id, expectedVersion: 1 });
    expect((await t.api.items.list.query({})).items).toEqual([]);
    const archived = await t.api.itemGroups.archive.mutate({ id: leaf.id, expectedVersion: 1 });
    expect(archived.archivedAt?.toISOString()).toBe(h.clock.now.toISOString());
    const restoreItem = await failure(
      t.api.items.update.mutate({ id: rod.id, expectedVersion: 2, name: "y" }),
    );
    expect(restoreItem.appCode).toBe("master_data.item.archived");
    const back = await t.api.itemGroups.restore.mutate({ id: leaf.id, expectedVersion: 2 });
    expect(back).toMatchObject({ archivedAt: null, version: 3 });
    const notArchived = await failure(t.api.itemGroups.restore.mutate({ id: leaf.id, expectedVersion: 3 }));
    expect(notArchived.appCode).toBe("master_data.item_group.not_archived");
  });

  test("another tenant's units, groups and items are invisible and unusable", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    const ua = await unitsOf(a.api);
    const ub = await unitsOf(b.api);
    const group = await a.api.itemGroups.create.mutate({ code: "G", name: "Secret group" });
    const item = await a.api.items.create.mutate({ code: "I", name: "Secret item", baseUnitId: ua("kg") });
    expect((await failure(b.api.items.get.query({ id: item.id }))).code).toBe("NOT_FOUND");
    expect(
      (await failure(b.api.itemGroups.update.mutate({ id: group.id, expectedVersion: 1, name: "x" }))).code,
    ).toBe("NOT_FOUND");
    const borrowed = await failure(
      b.api.items.create.mutate({ code: "J", name: "J", baseUnitId: ua("kg"), groupId: group.id }),
    );
    expect(borrowed.code).toBe("BAD_REQUEST");
    expect((await b.api.items.list.query({ search: "Secret" })).items).toEqual([]);
    expect(
      (await b.api.items.create.mutate({ code: "I", name: "Same code, other tenant", baseUnitId: ub("kg") }))
        .code,
    ).toBe("I");
  });
});

describe("VAT and SD from @vextrus/bd's effective-dated tables", () => {
  test("the rates a VAT rate field offers are bd's; a date before bd's first VAT table refuses them, naming the field", async () => {
    const { VAT_RATES, MAX_SD_RATE } = await import("@vextrus/bd");
    const t = await h.newTenant();
    const u = await unitsOf(t.api);
    const bn = clientFor(h.app, t.token, { "accept-language": "bn" });
    for (const [i, vatRate] of VAT_RATES.entries()) {
      const item = await t.api.items.create.mutate({
        code: `V${i}`,
        name: "Rated",
        baseUnitId: u("kg"),
        vatRate,
      });
      expect(item.vatRate).toBe(vatRate);
    }
    const over = await failure(
      t.api.items.create.mutate({
        code: "SD",
        name: "x",
        baseUnitId: u("kg"),
        sdRate: String(MAX_SD_RATE + 1),
      }),
    );
    expect(over.issues?.map((i) => i.path)).toEqual(["sdRate"]);
    const before = await h.count("items");
    const saved = h.clock.now;
    h.clock.now = new Date("2019-06-30T12:00:00Z"); // the VAT and SD Act 2012 came into force on 1 July 2019
    try {
      const early = await failure(bn.items.create.mutate({ code: "OLD", name: "x", baseUnitId: u("kg") }));
      expect(early).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.item.vat_rate" });
      // Nothing named: the standard category, whose rate no table gives yet.
      expect(early.issues?.[0]?.path).toBe("vatCategory");
      expect(early.issues?.[0]?.message).toMatch(/[\u0980-\u09FF]/);
    } finally {
      h.clock.now = saved;
    }
    expect(await h.count("items")).toBe(before);
  });
});

describe("an item's VAT category", () => {
  test("stored, its rate read from bd's table in force; exempt and zero-rated distinguishable; a rate that is not the category's refused naming vatRate, nothing written", async () => {
    const { vatRates } = await import("@vextrus/bd");
    const t = await h.newTenant();
    const u = await unitsOf(t.api);
    const rates = vatRates(h.clock.now);
    const item = (
      code: string,
      vat: { vatCategory?: "exempt" | "zero_rated" | "reduced_5"; vatRate?: number },
    ) => t.api.items.create.mutate({ code, name: code, baseUnitId: u("kg"), ...vat });

    const exempt = await item("EXEMPT", { vatCategory: "exempt" });
    const zero = await item("EXPORT", { vatCategory: "zero_rated", vatRate: 0 });
    const reduced = await item("REDUCED", { vatCategory: "reduced_5" });
    const rateOnly = await item("RATE-ONLY", { vatRate: 0 });
    expect([exempt, zero, reduced, rateOnly].map((i) => [i.vatCategory, i.vatRate])).toEqual([
      ["exempt", rates.exempt],
      ["zero_rated", rates.zero_rated],
      ["reduced_5", rates.reduced_5],
      // A rate of 0 alone claims no input credit: exempt, not zero-rated.
      ["exempt", 0],
    ]);
    expect((await t.api.items.get.query({ id: zero.id })).vatCategory).toBe("zero_rated");
    expect((await t.api.items.list.query({ vatCategory: "zero_rated" })).items.map((i) => i.code)).toEqual([
      "EXPORT",
    ]);
    expect((await t.api.items.list.query({ vatCategory: "exempt" })).items.map((i) => i.code).sort()).toEqual(
      ["EXEMPT", "RATE-ONLY"],
    );
    // The created event carries the category.
    const created = (await h.events(t.tenantId)).filter((e) => e.type === "vextrus.master_data.item.created");
    expect(created.find((e) => e.data.id === zero.id)?.data.after).toMatchObject({
      vatCategory: "zero_rated",
      vatRate: 0,
    });

    const bn = clientFor(h.app, t.token, { "accept-language": "bn" });
    const before = await h.count("items");
    const mismatch = await failure(
      bn.items.create.mutate({
        code: "ODD",
        name: "x",
        baseUnitId: u("kg"),
        vatCategory: "exempt",
        vatRate: 15,
      }),
    );
    expect(mismatch).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.item.vat_rate_category" });
    expect(mismatch.issues?.map((i) => i.path)).toEqual(["vatRate"]);
    expect(mismatch.issues?.[0]?.message).toMatch(/[\u0980-\u09FF]/);
    const en = await failure(item("ODD", { vatCategory: "reduced_5", vatRate: 0 }));
    expect(en.issues?.[0]?.message).toContain("reduced 5%");
    expect(await h.count("items")).toBe(before);

    // Update: a category moves the rate with it; a rate alone keeps a category that has it.
    const moved = await t.api.items.update.mutate({ id: zero.id, expectedVersion: 1, vatCategory: "exempt" });
    expect([moved.vatCategory, moved.vatRate, moved.version]).toEqual(["exempt", 0, 2]);
    const kept = await t.api.items.update.mutate({
      id: zero.id,
      expectedVersion: 2,
      vatRate: 0,
      name: "renamed",
    });
    expect([kept.vatCategory, kept.version]).toEqual(["exempt", 3]);
    const refused = await failure(
      t.api.items.update.mutate({ id: zero.id, expectedVersion: 3, vatCategory: "standard", vatRate: 5 }),
    );
    expect(refused.issues?.map((i) => i.path)).toEqual(["vatRate"]);
    expect(await t.api.items.get.query({ id: zero.id })).toMatchObject({ vatCategory: "exempt", version: 3 });
  });
});
