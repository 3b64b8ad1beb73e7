import { afterAll, beforeAll, expect, test } from "bun:test";
import { failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("costcentres");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

test("cost centres form a tree per company: unique codes, no cycles, parents of the same company", async () => {
  const t = await h.newTenant();
  const company = Bun.randomUUIDv7();
  const other = Bun.randomUUIDv7();
  const head = await t.api.costCentres.create.mutate({ companyId: company, code: "HO", name: "Head office" });
  const site = await t.api.costCentres.create.mutate({
    companyId: company,
    code: "SITE-A",
    name: "Site A",
    nameBn: "সাইট এ",
    parentId: head.id,
  });
  const tower = await t.api.costCentres.create.mutate({
    companyId: company,
    code: "T1",
    name: "Tower 1",
    parentId: site.id,
  });
  const dup = await failure(
    t.api.costCentres.create.mutate({ companyId: company, code: "HO", name: "Again" }),
  );
  expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.cost_centre.code_taken" });
  expect(
    (await t.api.costCentres.create.mutate({ companyId: other, code: "HO", name: "Other HO" })).code,
  ).toBe("HO");
  const foreign = await failure(
    t.api.costCentres.create.mutate({ companyId: other, code: "X", name: "X", parentId: head.id }),
  );
  expect(foreign.issues?.[0]?.path).toBe("parentId");
  const cycle = await failure(
    t.api.costCentres.update.mutate({ id: head.id, expectedVersion: 1, parentId: tower.id }),
  );
  expect(cycle).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.cost_centre.cycle" });
  const inUse = await failure(t.api.costCentres.archive.mutate({ id: site.id, expectedVersion: 1 }));
  expect(inUse.appCode).toBe("master_data.cost_centre.in_use");
  await t.api.costCentres.archive.mutate({ id: tower.id, expectedVersion: 1 });
  expect(
    (await t.api.costCentres.archive.mutate({ id: site.id, expectedVersion: 1 })).archivedAt,
  ).not.toBeNull();
  expect((await t.api.costCentres.list.query({ companyId: company })).items.map((c) => c.code)).toEqual([
    "HO",
  ]);
  expect(
    (await t.api.costCentres.list.query({ search: "সাইট", includeArchived: true })).items.map((c) => c.id),
  ).toEqual([site.id]);
  const b = await h.newTenant();
  expect((await failure(b.api.costCentres.get.query({ id: head.id }))).code).toBe("NOT_FOUND");
  const types = (await h.events(t.tenantId)).map((e) => e.type);
  expect(types.filter((type) => type === "vextrus.master_data.cost_centre.created")).toHaveLength(4);
  expect(types.filter((type) => type === "vextrus.master_data.cost_centre.archived")).toHaveLength(2);
});
