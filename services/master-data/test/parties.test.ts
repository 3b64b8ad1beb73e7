import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("parties");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

const DHAKA = { divisionId: 6, districtId: 47 }; // Dhaka division, Dhaka district (shipped data)
const address = { line1: "Plot 12, Road 5, Gulshan", ...DHAKA, postcode: "১২১২" };
const cement = {
  name: "Bashundhara Cement Ltd",
  nameBn: "বসুন্ধরা সিমেন্ট লিমিটেড",
  roles: ["supplier" as const],
  bin: "000123456-0101",
  etin: "2241-8737-8587",
  mobiles: ["০১৭১২-৩৪৫৬৭৮"],
  addresses: [address],
  bankAccounts: [
    {
      bankName: "Sonali Bank",
      branchName: "Motijheel",
      routingNumber: "200 270 521",
      accountNo: "0002-33012345",
    },
  ],
  vdsCategory: "procurement_provider" as const,
  tdsCategory: "cement_iron" as const,
  creditLimit: "2500000.5",
  paymentTermsDays: 30,
};

describe("parties", () => {
  test("create stores canonical Bangladeshi ids and writes party.created in the same transaction", async () => {
    const t = await h.newTenant();
    const party = await t.api.parties.create.mutate(cement);
    expect(party).toMatchObject({
      name: "Bashundhara Cement Ltd",
      kind: "organisation",
      bin: "0001234560101",
      etin: "224187378587",
      mobiles: ["+8801712345678"],
      creditLimit: "2500000.50",
      status: "active",
      version: 1,
    });
    expect(party.addresses[0]).toMatchObject({ kind: "billing", postcode: "1212", districtId: 47 });
    expect(party.bankAccounts[0]).toMatchObject({ routingNumber: "200270521", accountNo: "000233012345" });
    expect(party.createdAt.toISOString()).toBe(h.clock.now.toISOString());
    expect(await t.api.parties.get.query({ id: party.id })).toEqual(party);
    const events = await h.events(t.tenantId);
    expect(events.map((e) => e.type)).toEqual(["vextrus.master_data.party.created"]);
    expect(events[0]?.subject).toBe(party.id);
    expect(events[0]?.actorid).toBe(t.userId);
  });

  test("an individual landowner keeps NID, trade licence, upazila, VDS/TDS defaults, credit limit and payment terms", async () => {
    const t = await h.newTenant();
    const landowner = await t.api.parties.create.mutate({
      kind: "individual",
      name: "Abdul Karim",
      nameBn: "আব্দুল করিম",
      roles: ["landowner", "customer"],
      nid: "১৯৮৫৮১৯৮৫১০১২৩৪৫৬",
      tradeLicenceNo: "TRAD/DNCC/012345/2024",
      mobiles: ["+8801812345678", "01912345678"],
      vdsCategory: "land_development",
      tdsCategory: "rent",
      creditLimit: "0",
      paymentTermsDays: 0,
    });
    expect(landowner).toMatchObject({
      kind: "individual",
      roles: ["landowner", "customer"],
      nid: "19858198510123456",
      tradeLicenceNo: "TRAD/DNCC/012345/2024",
      mobiles: ["+8801812345678", "+8801912345678"],
      vdsCategory: "land_development",
      tdsCategory: "rent",
      creditLimit: "0.00",
      paymentTermsDays: 0,
      status: "active",
    });
    const upazilas = await t.api.geo.upazilas.query({ districtId: 47 });
    const upazila = upazilas[0];
    if (!upazila) {
      throw new Error("Dhaka district has no upazila in the shipped data");
    }
    const moved = await t.api.parties.update.mutate({
      id: landowner.id,
      expectedVersion: 1,
      addresses: [{ ...address, kind: "registered", upazilaId: upazila.id }],
      paymentTermsDays: 45,
    });
    expect(moved.addresses).toEqual([
      { ...address, postcode: "1212", kind: "registered", upazilaId: upazila.id },
    ]);
    expect(moved.paymentTermsDays).toBe(45);
    const badTerms = await failure(
      t.api.parties.update.mutate({ id: landowner.id, expectedVersion: 2, paymentTermsDays: -1 }),
    );
    expect(badTerms.issues?.map((i) => i.path)).toEqual(["paymentTermsDays"]);
  });

  test("bad Bangladeshi ids, places and amounts are 400s naming the field, in English and Bengali; nothing written", async () => {
    const t = await h.newTenant();
    const bn = (await import("./harness.ts")).clientFor(h.app, t.token, { "accept-language": "bn" });
    const before = await h.count("parties");
    const cases: [Record<string, unknown>, string][] = [
      [{ bin: "123456789" }, "bin"],
      [{ etin: "1234567890" }, "etin"],
      [{ nid: "12345" }, "nid"],
      [{ mobiles: ["01112345678"] }, "mobiles.0"],
      [{ addresses: [{ ...address, postcode: "12" }] }, "addresses.0.postcode"],
      [{ addresses: [{ ...address, districtId: 1 }] }, "addresses.0.districtId"],
      [{ addresses: [{ ...address, upazilaId: 1 }] }, "addresses.0.upazilaId"],
      [{ addresses: [{ ...address, divisionId: 9 }] }, "addresses.0.divisionId"],
      [
        { bankAccounts: [{ ...cement.bankAccounts[0], routingNumber: "12345" }] },
        "bankAccounts.0.routingNumber",
      ],
      [{ creditLimit: "-1.00" }, "creditLimit"],
      [{ creditLimit: 0.1 + 0.2 }, "creditLimit"],
      [{ roles: [] }, "roles"],
      [{ roles: ["supplier", "supplier"] }, "roles"],
    ];
    for (const [change, field] of cases) {
      const en = await failure(t.api.parties.create.mutate({ ...cement, ...change } as typeof cement));
      expect(en.code, field).toBe("BAD_REQUEST");
      expect(
        en.issues?.map((i) => i.path),
        field,
      ).toContain(field);
      const inBengali = await failure(bn.parties.create.mutate({ ...cement, ...change } as typeof cement));
      const message = inBengali.issues?.find((i) => i.path === field)?.message ?? "";
      expect(message, field).toMatch(/[\u0980-\u09FF]/);
    }
    expect(await h.count("parties")).toBe(before);
    expect(await h.events(t.tenantId)).toEqual([]);
  });

  test("BIN and e-TIN are unique per tenant: a duplicate is CONFLICT naming the field; another tenant may hold it", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    await a.api.parties.create.mutate({ name: "Akij Cement", roles: ["supplier"], bin: "0009876540101" });
    const dup = await failure(
      a.api.parties.create.mutate({ name: "Akij Again", roles: ["supplier"], bin: "000987654-0101" }),
    );
    expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.party.bin_taken" });
    expect(dup.issues?.[0]?.path).toBe("bin");
    const other = await b.api.parties.create.mutate({
      name: "Akij (B)",
      roles: ["customer"],
      bin: "0009876540101",
    });
    expect(other.bin).toBe("0009876540101");
    const second = await a.api.parties.create.mutate({
      name: "Meghna",
      roles: ["supplier"],
      etin: "224187378587",
    });
    // Its own e-TIN is no duplicate; another party taking it by an update is.
    await a.api.parties.update.mutate({ id: second.id, expectedVersion: 1, etin: "224187378587" });
    const third = await a.api.parties.create.mutate({ name: "Third", roles: ["supplier"] });
    const etinDup = await failure(
      a.api.parties.update.mutate({ id: third.id, expectedVersion: 1, etin: "2241 8737 8587" }),
    );
    expect(etinDup).toMatchObject({ code: "CONFLICT", appCode: "master_data.party.etin_taken" });
    expect(etinDup.issues?.[0]?.path).toBe("etin");
  });

  test("update needs the version it read: stale is CONFLICT; null clears a field; blocked and back", async () => {
    const t = await h.newTenant();
    const party = await t.api.parties.create.mutate({
      name: "Rahim Traders",
      roles: ["supplier"],
      email: "a@b.com",
    });
    h.clock.now = new Date("2025-08-16T04:00:00Z");
    const updated = await t.api.parties.update.mutate({
      id: party.id,
      expectedVersion: 1,
      roles: ["supplier", "customer"],
      email: null,
      status: "blocked",
    });
    expect(updated).toMatchObject({
      version: 2,
      roles: ["supplier", "customer"],
      email: null,
      status: "blocked",
    });
    expect(updated.updatedAt.toISOString()).toBe("2025-08-16T04:00:00.000Z");
    const stale = await failure(
      t.api.parties.update.mutate({ id: party.id, expectedVersion: 1, name: "Old" }),
    );
    expect(stale).toMatchObject({ code: "CONFLICT", appCode: "master_data.party.stale" });
    const missing = await failure(t.api.parties.update.mutate({ id: party.id, name: "No version" } as never));
    expect(missing.issues?.map((i) => i.path)).toContain("expectedVersion");
    const events = await h.events(t.tenantId);
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.master_data.party.created",
      "vextrus.master_data.party.updated",
    ]);
    expect(events[1]?.data).toMatchObject({
      before: { version: 1 },
      after: { version: 2, status: "blocked" },
    });
  });

  test("list: keyset pages in creation order, role and status filters, archived hidden until asked", async () => {
    const t = await h.newTenant();
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        await t.api.parties.create.mutate({ name: `Party ${i}`, roles: i % 2 ? ["customer"] : ["supplier"] }),
      );
    }
    const first = await t.api.parties.list.query({ limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(["Party 0", "Party 1"]);
    const second = await t.api.parties.list.query({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((p) => p.name)).toEqual(["Party 2", "Party 3"]);
    const last = await t.api.parties.list.query({ limit: 2, cursor: second.nextCursor ?? undefined });
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.items.map((p) => p.name)).toEqual(["Party 4"]);
    const customers = await t.api.parties.list.query({ role: "customer" });
    expect(customers.items.map((p) => p.name)).toEqual(["Party 1", "Party 3"]);
    const target = made[2];
    if (!target) {
      throw new Error("seeded party missing");
    }
    await t.api.parties.archive.mutate({ id: target.id, expectedVersion: 1 });
    expect((await t.api.parties.list.query({})).items.map((p) => p.name)).not.toContain("Party 2");
    expect((await t.api.parties.list.query({ includeArchived: true })).items).toHaveLength(5);
    expect((await t.api.parties.list.query({ status: "archived" })).items.map((p) => p.name)).toEqual([
      "Party 2",
    ]);
  });

  test("search: every word starts a word of the English or Bengali name, served by an index under RLS", async () => {
    const t = await h.newTenant();
    await t.api.parties.create.mutate({
      name: "Bashundhara Cement",
      nameBn: "বসুন্ধরা সিমেন্ট",
      roles: ["supplier"],
    });
    const khair = await t.api.parties.create.mutate({
      name: "Abul Khair Steel",
      nameBn: "আবুল খায়ের স্টিল",
      roles: ["supplier"],
    });
    await t.api.parties.create.mutate({ name: "100% Sand_Co", roles: ["supplier"] });
    const names = async (search: string) =>
      (await t.api.parties.list.query({ search })).items.map((p) => p.name).sort();
    expect(await names("cement")).toEqual(["Bashundhara Cement"]);
    expect(await names("CEM bashu")).toEqual(["Bashundhara Cement"]);
    expect(await names("KHAIR")).toEqual(["Abul Khair Steel"]);
    expect(await names("সিমেন্ট")).toEqual(["Bashundhara Cement"]);
    expect(await names("খায়")).toEqual(["Abul Khair Steel"]);
    expect(await names("cement steel")).toEqual([]);
    expect(await names("100%")).toEqual(["100% Sand_Co"]);
    expect(await names("sand_c")).toEqual(["100% Sand_Co"]);
    // LIKE wildcards are plain characters here.
    expect(await names("%")).toEqual([]);
    expect(await names("s_nd")).toEqual([]);
    // A rename moves the party's terms with it (the trigger).
    await t.api.parties.update.mutate({
      id: khair.id,
      expectedVersion: 1,
      name: "Abul Khair Group",
      nameBn: null,
    });
    expect(await names("steel")).toEqual([]);
    expect(await names("group")).toEqual(["Abul Khair Group"]);
    expect(await names("খায়")).toEqual([]);
    // As the service queries (app role, tenant set, RLS forced), the terms index serves the search; the
    // trigram index cannot serve ILIKE there (not LEAKPROOF), which is why the terms exist.
    const plan = async (query: string) =>
      h.sql.begin(async (tx) => {
        await tx`select set_config('app.tenant_id', ${t.tenantId}, true), set_config('role', 'vextrus_app', true)`;
        await tx`set local enable_seqscan = off`;
        const rows = await tx.unsafe(`explain ${query}`);
        return rows.map((row) => String(row["QUERY PLAN"])).join("\n");
      });
    expect(
      await plan(
        "select party_id from master_data.party_terms where term ~>=~ 'cement' and term ~<~ 'cemenu'",
      ),
    ).toContain("party_terms_term_idx");
    expect(await plan("select id from master_data.parties where name ilike '%cement%'")).not.toContain(
      "parties_name_trgm_idx",
    );
  });

  test("search pages: the list's own rows in id order, a word matching twice counted once, filters and cursors kept", async () => {
    const t = await h.newTenant();
    for (let i = 0; i < 7; i++) {
      await t.api.parties.create.mutate({
        // "Karim Karimganj" starts "kar" twice: still one party.
        name: i % 3 === 0 ? `Karim Karimganj Traders ${i}` : `Karim Traders ${i}`,
        nameBn: i % 2 ? "করিম ট্রেডার্স" : undefined,
        roles: i % 2 ? ["customer"] : ["supplier"],
      });
    }
    await t.api.parties.create.mutate({ name: "Rahim Traders", roles: ["supplier"] });
    const all = (await t.api.parties.list.query({})).items;
    const karim = all.filter((p) => p.name.startsWith("Karim"));
    const pages = async (input: { search: string; role?: "customer"; includeArchived?: boolean }) => {
      const seen: typeof all = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await t.api.parties.list.query({ ...input, limit: 2, cursor });
        seen.push(...page.items);
        if (!page.nextCursor) {
          return seen;
        }
        cursor = page.nextCursor;
      }
    };
    // Whole rows (dates as dates, amounts, arrays), exactly as the list without a search gives them.
    expect(await pages({ search: "kar tra" })).toEqual(karim);
    expect(await pages({ search: "করিম" })).toEqual(karim.filter((p) => p.nameBn));
    expect(await pages({ search: "traders kar", role: "customer" })).toEqual(
      karim.filter((p) => p.roles.includes("customer")),
    );
    const gone = karim[1];
    if (!gone) {
      throw new Error("seeded party missing");
    }
    await t.api.parties.archive.mutate({ id: gone.id, expectedVersion: 1 });
    expect((await pages({ search: "karim" })).map((p) => p.id)).toEqual(
      karim.filter((p) => p.id !== gone.id).map((p) => p.id),
    );
    expect((await pages({ search: "karim", includeArchived: true })).map((p) => p.id)).toEqual(
      karim.map((p) => p.id),
    );
  });

  test("archive and restore; a merged party cannot come back", async () => {
    const t = await h.newTenant();
    const party = await t.api.parties.create.mutate({ name: "Karim Builders", roles: ["contractor"] });
    const archived = await t.api.parties.archive.mutate({ id: party.id, expectedVersion: 1 });
    expect(archived).toMatchObject({ status: "archived", version: 2 });
    const again = await failure(t.api.parties.update.mutate({ id: party.id, expectedVersion: 2, name: "Z" }));
    expect(again).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "master_data.party.archived" });
    const restored = await t.api.parties.restore.mutate({ id: party.id, expectedVersion: 2 });
    expect(restored).toMatchObject({ status: "active", version: 3 });
    const notArchived = await failure(t.api.parties.restore.mutate({ id: party.id, expectedVersion: 3 }));
    expect(notArchived.appCode).toBe("master_data.party.not_restorable");
    expect((await h.events(t.tenantId)).map((e) => e.type)).toEqual([
      "vextrus.master_data.party.created",
      "vextrus.master_data.party.archived",
      "vextrus.master_data.party.restored",
    ]);
  });

  test("merge folds a duplicate into the party kept and emits party.merged", async () => {
    const t = await h.newTenant();
    const keep = await t.api.parties.create.mutate({ name: "Shah Cement", roles: ["supplier"] });
    const dup = await t.api.parties.create.mutate({ name: "Shah Cement Ltd.", roles: ["customer"] });
    const self = await failure(t.api.parties.merge.mutate({ keepId: keep.id, mergeId: keep.id }));
    expect(self).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.party.merge_self" });
    expect(self.issues?.[0]?.path).toBe("mergeId");
    const result = await t.api.parties.merge.mutate({ keepId: keep.id, mergeId: dup.id });
    expect(result.keep).toMatchObject({ id: keep.id, roles: ["supplier", "customer"], version: 2 });
    expect(result.merged).toMatchObject({ id: dup.id, status: "archived", mergedIntoId: keep.id });
    const events = await h.events(t.tenantId);
    const merged = events.find((e) => e.type === "vextrus.master_data.party.merged");
    expect(merged).toMatchObject({ subject: dup.id, data: { keepId: keep.id, mergeId: dup.id } });
    const twice = await failure(t.api.parties.merge.mutate({ keepId: keep.id, mergeId: dup.id }));
    expect(twice.code).toBe("PRECONDITION_FAILED");
    const back = await failure(t.api.parties.restore.mutate({ id: dup.id, expectedVersion: 2 }));
    expect(back.appCode).toBe("master_data.party.not_restorable");
  });

  test("another tenant's party is NOT_FOUND for every verb, and a caller without the permission is FORBIDDEN", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    const mine = await a.api.parties.create.mutate({ name: "Secret Supplier", roles: ["supplier"] });
    const theirs = await b.api.parties.create.mutate({ name: "B Supplier", roles: ["supplier"] });
    // One at a time: a refusal must not go unhandled while another call is awaited.
    for (const call of [
      () => b.api.parties.get.query({ id: mine.id }),
      () => b.api.parties.update.mutate({ id: mine.id, expectedVersion: 1, name: "Stolen" }),
      () => b.api.parties.archive.mutate({ id: mine.id, expectedVersion: 1 }),
      () => b.api.parties.restore.mutate({ id: mine.id, expectedVersion: 1 }),
      () => b.api.parties.merge.mutate({ keepId: theirs.id, mergeId: mine.id }),
      () => b.api.parties.merge.mutate({ keepId: mine.id, mergeId: theirs.id }),
    ]) {
      expect((await failure(call())).code).toBe("NOT_FOUND");
    }
    expect((await b.api.parties.list.query({ search: "Secret" })).items).toEqual([]);
    expect(await a.api.parties.get.query({ id: mine.id })).toMatchObject({
      name: "Secret Supplier",
      version: 1,
    });
    const reader = h.client(await h.token(a.tenantId, ["master-data:party:read"]));
    expect((await reader.parties.list.query({})).items).toHaveLength(1);
    const refused = await failure(reader.parties.create.mutate({ name: "Nope", roles: ["supplier"] }));
    expect(refused.code).toBe("FORBIDDEN");
    expect((await failure(h.client().parties.list.query({}))).code).toBe("UNAUTHORIZED");
  });
});

describe("geography", () => {
  test("8 divisions, 64 districts and 494 upazilas, each named in English and Bengali", async () => {
    const t = await h.newTenant(["master-data:geo:read"]);
    const divisions = await t.api.geo.divisions.query();
    expect(divisions).toHaveLength(8);
    let districts = 0;
    let upazilas = 0;
    for (const division of divisions) {
      const ds = await t.api.geo.districts.query({ divisionId: division.id });
      districts += ds.length;
      for (const d of ds) {
        const us = await t.api.geo.upazilas.query({ districtId: d.id });
        upazilas += us.length;
        expect(us.length, d.name).toBeGreaterThan(0);
        for (const place of [d, ...us]) {
          expect(place.nameBn, place.name).toMatch(/^[\u0980-\u09FF][\u0980-\u09FF ()\-.]*$/);
        }
      }
    }
    expect([districts, upazilas]).toEqual([64, 494]);
    const dhaka = await t.api.geo.districts.query({ divisionId: 6 });
    expect(dhaka.map((d) => d.name)).toContain("Dhaka");
    expect(dhaka).toHaveLength(13);
  });
});
