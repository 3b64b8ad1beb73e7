/**
 * What holds for every master-data table and for each kind of bad input the issue lists: row-level
 * security FORCED, UUIDv7 ids and a version on every record, and each refusal a 4xx naming the field
 * in English and in Bengali with nothing written (no row, no version bump, no event).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { clientFor, failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("invariants");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

const BENGALI = /[\u0980-\u09FF]/;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("tables", () => {
  test("every table with tenant rows FORCEs row-level security with a tenant policy; the service's role cannot bypass it", async () => {
    const tables = await h.sql<{ relname: string; forced: boolean; enabled: boolean; policies: number }[]>`
      select c.relname, c.relforcerowsecurity as forced, c.relrowsecurity as enabled,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'master_data' and c.relkind = 'r' order by c.relname`;
    const names = tables.map((t) => t.relname);
    for (const expected of [
      "parties",
      "party_terms",
      "record_terms",
      "units",
      "item_groups",
      "items",
      "accounts",
      "cost_centres",
      "projects",
      "flats",
      "series",
      "imported_rows",
    ]) {
      expect(names).toContain(expected);
    }
    // The outbox is infrastructure the relay reads across tenants; the service's role only inserts.
    const tenantTables = tables.filter((t) => t.relname !== "outbox");
    expect(
      tenantTables.filter((t) => !(t.forced && t.enabled && t.policies > 0)).map((t) => t.relname),
    ).toEqual([]);
    const [role] = await h.sql<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
      select rolsuper, rolbypassrls from pg_roles where rolname = 'vextrus_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owners = await h.sql<{ owner: string }[]>`
      select distinct pg_get_userbyid(c.relowner) as owner from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'master_data' and c.relkind = 'r'`;
    expect(owners.map((o) => o.owner)).not.toContain("vextrus_app");
  });

  test("as the service's role, a query without tenant context sees no rows; with one, only its own", async () => {
    const a = await h.newTenant();
    const b = await h.newTenant();
    await a.api.units.installDefaults.mutate();
    await b.api.units.installDefaults.mutate();
    const seen = (tenantId: string | null) =>
      h.sql.begin(async (tx) => {
        if (tenantId) {
          await tx`select set_config('app.tenant_id', ${tenantId}, true)`;
        }
        await tx`set local role vextrus_app`;
        const [row] = await tx<{ n: number; tenants: number }[]>`
          select count(*)::int as n, count(distinct tenant_id)::int as tenants from master_data.units`;
        return row;
      });
    expect(await seen(null)).toEqual({ n: 0, tenants: 0 });
    expect(await seen(a.tenantId)).toEqual({ n: 14, tenants: 1 });
  });

  test("every record has a UUIDv7 id and a version that each change bumps", async () => {
    const t = await h.newTenant();
    const companyId = Bun.randomUUIDv7();
    const [unit] = await t.api.units.installDefaults.mutate();
    const group = await t.api.itemGroups.create.mutate({ code: "G", name: "Group" });
    const item = await t.api.items.create.mutate({ code: "I", name: "Item", baseUnitId: unit?.id ?? "" });
    const [account] = await t.api.accounts.installTemplate.mutate({ companyId });
    const centre = await t.api.costCentres.create.mutate({ companyId, code: "HO", name: "Head office" });
    const project = await t.api.projects.create.mutate({
      companyId,
      code: "P",
      name: "Project",
      kind: "real_estate",
    });
    const flat = await t.api.flats.create.mutate({
      projectId: project.id,
      floor: 1,
      flatNo: "1A",
      sizeSft: "900",
      price: "1",
    });
    const series = await t.api.series.create.mutate({
      companyId,
      key: "PO",
      name: "PO",
      pattern: "PO/{FY}/{SEQ}",
    });
    const party = await t.api.parties.create.mutate({ name: "Party", roles: ["supplier"] });
    const records = [unit, group, item, account, centre, project, flat, series, party];
    for (const record of records) {
      expect(record?.id).toMatch(UUID_V7);
      expect(record?.version).toBe(1);
    }
    const renamed = await t.api.itemGroups.update.mutate({
      id: group.id,
      expectedVersion: 1,
      name: "Renamed",
    });
    expect(renamed.version).toBe(2);
    const columns = await h.sql<{ table_name: string }[]>`
      select table_name from information_schema.columns
      where table_schema = 'master_data' and column_name = 'version' and data_type = 'integer'`;
    expect(columns.map((c) => c.table_name).sort()).toEqual(
      [
        "accounts",
        "cost_centres",
        "flats",
        "item_groups",
        "items",
        "parties",
        "projects",
        "series",
        "units",
      ].sort(),
    );
  });
});

describe("bad input: a 4xx naming the field in English and Bengali, nothing written", () => {
  test("a unit conversion to another category, a cycle in each tree, a duplicate code, a ledger with children, a negative rate", async () => {
    const t = await h.newTenant();
    const bn = clientFor(h.app, t.token, { "accept-language": "bn" });
    const companyId = Bun.randomUUIDv7();
    const units = await t.api.units.installDefaults.mutate();
    const unit = (code: string) => units.find((u) => u.code === code)?.id ?? "";
    const top = await t.api.itemGroups.create.mutate({ code: "A", name: "A" });
    const leaf = await t.api.itemGroups.create.mutate({ code: "A/B", name: "B", parentId: top.id });
    const head = await t.api.costCentres.create.mutate({ companyId, code: "HO", name: "Head office" });
    const site = await t.api.costCentres.create.mutate({
      companyId,
      code: "S",
      name: "Site",
      parentId: head.id,
    });
    const chart = new Map(
      (await t.api.accounts.installTemplate.mutate({ companyId })).map((a) => [a.code, a]),
    );
    const account = (code: string) => chart.get(code)?.id ?? "";
    const item = await t.api.items.create.mutate({ code: "CEM", name: "Cement", baseUnitId: unit("bag") });
    type Api = typeof t.api;
    const cases: [string, string, (api: Api) => Promise<unknown>][] = [
      [
        "conversion to another category",
        "toUnitId",
        (api) => api.units.convert.query({ quantity: "1", fromUnitId: unit("bag"), toUnitId: unit("cft") }),
      ],
      [
        "an item's unit of another category",
        "salesUnitId",
        (api) => api.items.update.mutate({ id: item.id, expectedVersion: 1, salesUnitId: unit("cft") }),
      ],
      [
        "a cycle of item groups",
        "parentId",
        (api) => api.itemGroups.update.mutate({ id: top.id, expectedVersion: 1, parentId: leaf.id }),
      ],
      [
        "a cycle of cost centres",
        "parentId",
        (api) => api.costCentres.update.mutate({ id: head.id, expectedVersion: 1, parentId: site.id }),
      ],
      [
        "a cycle of accounts",
        "parentId",
        (api) =>
          api.accounts.update.mutate({ id: account("1000"), expectedVersion: 1, parentId: account("1100") }),
      ],
      [
        "a duplicate item code",
        "code",
        (api) => api.items.create.mutate({ code: "CEM", name: "Again", baseUnitId: unit("bag") }),
      ],
      [
        "a duplicate account code",
        "code",
        (api) => api.accounts.create.mutate({ companyId, code: "1110", name: "Again", type: "asset" }),
      ],
      [
        "a duplicate cost-centre code",
        "code",
        (api) => api.costCentres.create.mutate({ companyId, code: "HO", name: "Again" }),
      ],
      [
        "a ledger with children (a child under a ledger)",
        "parentId",
        (api) =>
          api.accounts.create.mutate({
            companyId,
            code: "1119",
            name: "x",
            type: "asset",
            parentId: account("1110"),
          }),
      ],
      [
        "a ledger with children (a group with children made a ledger)",
        "isGroup",
        (api) => api.accounts.update.mutate({ id: account("1100"), expectedVersion: 1, isGroup: false }),
      ],
      [
        "a negative standard rate",
        "standardRate",
        (api) => api.items.update.mutate({ id: item.id, expectedVersion: 1, standardRate: "-1" }),
      ],
      [
        "a negative SD rate",
        "sdRate",
        (api) => api.items.update.mutate({ id: item.id, expectedVersion: 1, sdRate: "-1" }),
      ],
      [
        "a negative credit limit",
        "creditLimit",
        (api) => api.parties.create.mutate({ name: "P", roles: ["supplier"], creditLimit: "-5" }),
      ],
      [
        "a negative unit factor",
        "factor",
        (api) => api.units.create.mutate({ code: "neg", name: "Neg", category: "mass", factor: "-1" }),
      ],
    ];
    const state = async () => ({
      events: (await h.events(t.tenantId)).length,
      rows: await h.sql`
        select 'item_groups' as t, id, version, parent_id::text as p from master_data.item_groups where tenant_id = ${t.tenantId}
        union all select 'cost_centres', id, version, parent_id::text from master_data.cost_centres where tenant_id = ${t.tenantId}
        union all select 'accounts', id, version, parent_id::text || is_group from master_data.accounts where tenant_id = ${t.tenantId}
        union all select 'items', id, version, sales_unit_id::text || coalesce(standard_rate::text, '') || sd_rate from master_data.items where tenant_id = ${t.tenantId}
        union all select 'units', id, version, code from master_data.units where tenant_id = ${t.tenantId}
        union all select 'parties', id, version, name from master_data.parties where tenant_id = ${t.tenantId}
        order by 1, 2`,
    });
    const before = await state();
    for (const [what, field, call] of cases) {
      const en = await failure(call(t.api));
      expect(en.httpStatus, what).toBeGreaterThanOrEqual(400);
      expect(en.httpStatus, what).toBeLessThan(500);
      const enIssue = en.issues?.find((i) => i.path === field);
      expect(enIssue?.message, what).toMatch(/[A-Za-z]/);
      expect(enIssue?.message, what).not.toMatch(BENGALI);
      const inBengali = await failure(call(bn));
      expect(inBengali.code, what).toBe(en.code);
      expect(inBengali.issues?.find((i) => i.path === field)?.message, what).toMatch(BENGALI);
    }
    expect(await state()).toEqual(before);
  });
});

describe("search by name, English or Bengali, served by an index under row-level security", () => {
  test("every word starts a word of a record's name; renames move the terms; the index is used as the service queries", async () => {
    const t = await h.newTenant();
    const b = await h.newTenant();
    const companyId = Bun.randomUUIDv7();
    const units = await t.api.units.installDefaults.mutate();
    const bag = units.find((u) => u.code === "bag")?.id ?? "";
    const cement = await t.api.items.create.mutate({
      code: "CEM",
      name: "Portland Cement (OPC)",
      nameBn: "পোর্টল্যান্ড সিমেন্ট",
      baseUnitId: bag,
    });
    await t.api.items.create.mutate({ code: "SAND", name: "100% Sylhet_Sand", baseUnitId: bag });
    await b.api.units.installDefaults.mutate();
    const chart = await t.api.accounts.installTemplate.mutate({ companyId });
    await t.api.costCentres.create.mutate({
      companyId,
      code: "HO",
      name: "Head office",
      nameBn: "প্রধান কার্যালয়",
    });
    await t.api.projects.create.mutate({ companyId, code: "P", name: "Padma Heights", kind: "real_estate" });
    await t.api.series.create.mutate({
      companyId,
      key: "PO",
      name: "Purchase orders",
      pattern: "PO/{FY}/{SEQ}",
    });
    await t.api.itemGroups.create.mutate({ code: "G", name: "Building materials", nameBn: "নির্মাণ সামগ্রী" });
    const items = async (search: string) =>
      (await t.api.items.list.query({ search })).items.map((i) => i.code).sort();
    expect(await items("cement")).toEqual(["CEM"]);
    expect(await items("OPC port")).toEqual(["CEM"]);
    expect(await items("সিমেন্ট")).toEqual(["CEM"]);
    expect(await items("cement sand")).toEqual([]);
    expect(await items("ement")).toEqual([]);
    expect(await items("100%")).toEqual(["SAND"]);
    expect(await items("sylhet_s")).toEqual(["SAND"]);
    expect(await items("%")).toEqual([]);
    expect(await items("sylhet_")).toEqual(["SAND"]);
    expect(await items("s_lhet")).toEqual([]);
    await t.api.items.update.mutate({ id: cement.id, expectedVersion: 1, name: "Slag cement", nameBn: null });
    expect(await items("portland")).toEqual([]);
    expect(await items("সিমেন্ট")).toEqual([]);
    expect(await items("slag")).toEqual(["CEM"]);
    expect((await t.api.units.list.query({ search: "cubic metre" })).items.map((u) => u.code)).toEqual([
      "m3",
    ]);
    expect((await b.api.units.list.query({ search: "cement" })).items.map((u) => u.code)).toEqual(["bag"]);
    const ait = await t.api.accounts.list.query({ companyId, search: "ait" });
    expect(ait.items.map((a) => a.code)).toEqual(["1170"]);
    expect(chart.find((a) => a.code === "1170")?.name).toContain("(AIT)");
    expect((await t.api.costCentres.list.query({ search: "কার্যালয়" })).items.map((c) => c.code)).toEqual([
      "HO",
    ]);
    expect((await t.api.projects.list.query({ search: "heights padma" })).items.map((p) => p.code)).toEqual([
      "P",
    ]);
    expect((await t.api.series.list.query({ search: "purchase" })).items.map((s) => s.key)).toEqual(["PO"]);
    expect((await t.api.itemGroups.list.query({ search: "নির্মাণ" })).items.map((g) => g.code)).toEqual(["G"]);
    // Another tenant's records are not found by their names.
    expect((await b.api.items.list.query({ search: "slag" })).items).toEqual([]);
    const plan = await h.sql.begin(async (tx) => {
      await tx`select set_config('app.tenant_id', ${t.tenantId}, true), set_config('role', 'vextrus_app', true)`;
      await tx`set local enable_seqscan = off`;
      const rows = await tx.unsafe(
        "explain select record_id from master_data.record_terms where entity = 'items' and term ~>=~ 'slag' and term ~<~ 'slah'",
      );
      return rows.map((row) => String(row["QUERY PLAN"])).join("\n");
    });
    expect(plan).toContain("record_terms_term_idx");
    expect(plan).toContain("Index Cond");
  });
});
