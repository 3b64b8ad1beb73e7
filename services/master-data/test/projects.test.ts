import { afterAll, beforeAll, expect, test } from "bun:test";
import { failure, type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("projects");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

const tower = () => ({
  companyId: Bun.randomUUIDv7(),
  code: "BASH-TWR",
  kind: "real_estate" as const,
  name: "Bashundhara Heights",
  nameBn: "বসুন্ধরা হাইটস",
  siteAddress: {
    kind: "site" as const,
    line1: "Plot 7, Block C, Bashundhara R/A",
    divisionId: 6,
    districtId: 47,
    postcode: "1229",
  },
  approvalAuthority: "rajuk" as const,
  approvalRef: "RAJUK/DC/2025/1234",
  approvalDate: "2025-03-10",
  plotSize: "5",
  plotUnit: "katha" as const,
  budget: "150000000",
  startDate: "2025-07-01",
  endDate: "2028-06-30",
  managerMembershipId: Bun.randomUUIDv7(),
});

test("a real-estate project keeps its RAJUK approval, plot in exact square feet, budget and dates", async () => {
  const t = await h.newTenant();
  const input = tower();
  const project = await t.api.projects.create.mutate(input);
  expect(project).toMatchObject({
    managerMembershipId: input.managerMembershipId,
    plotSize: "5.0000",
    plotUnit: "katha",
    plotSizeSft: "3600.00000",
    budget: "150000000.00",
    approvalAuthority: "rajuk",
    approvalDate: "2025-03-10",
    status: "planned",
    version: 1,
  });
  const refusals: [Record<string, unknown>, string][] = [
    [{ endDate: "2025-06-30" }, "endDate"],
    [{ plotUnit: undefined }, "plotUnit"],
    [{ budget: "-1" }, "budget"],
    [{ approvalDate: "2025-02-30" }, "approvalDate"],
    [{ siteAddress: { ...tower().siteAddress, districtId: 1 } }, "siteAddress.districtId"],
    [{ plotSize: "0" }, "plotSize"],
  ];
  for (const [change, field] of refusals) {
    const refused = await failure(t.api.projects.create.mutate({ ...tower(), code: "X", ...change }));
    expect(refused.code, field).toBe("BAD_REQUEST");
    expect(
      refused.issues?.map((i) => i.path),
      field,
    ).toContain(field);
  }
  const updated = await t.api.projects.update.mutate({
    id: project.id,
    expectedVersion: 1,
    plotSize: "16.5",
    plotUnit: "decimal",
    status: "active",
    managerMembershipId: null,
  });
  expect(updated).toMatchObject({
    plotSizeSft: "7187.40000",
    status: "active",
    version: 2,
    managerMembershipId: null,
  });
  const early = await failure(
    t.api.projects.update.mutate({ id: project.id, expectedVersion: 2, endDate: "2024-12-31" }),
  );
  expect(early).toMatchObject({ code: "BAD_REQUEST", appCode: "master_data.project.dates" });
  expect(early.issues?.[0]?.path).toBe("endDate");
  expect(
    (await failure(t.api.projects.update.mutate({ id: project.id, expectedVersion: 1, name: "x" }))).code,
  ).toBe("CONFLICT");
  const dup = await failure(t.api.projects.create.mutate(tower()));
  expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.project.code_taken" });
  expect((await t.api.projects.list.query({ search: "হাইটস" })).items.map((p) => p.id)).toEqual([project.id]);
  expect((await h.events(t.tenantId)).map((e) => e.type)).toEqual([
    "vextrus.master_data.project.created",
    "vextrus.master_data.project.updated",
  ]);
});

test("flats: unique per block, only in real-estate projects, status available → booked → sold", async () => {
  const t = await h.newTenant();
  const project = await t.api.projects.create.mutate(tower());
  const site = await t.api.projects.create.mutate({
    ...tower(),
    code: "ROAD",
    kind: "construction",
    name: "Road works",
  });
  const flat = {
    projectId: project.id,
    block: "A",
    floor: 5,
    flatNo: "5A",
    sizeSft: "1450",
    facing: "south" as const,
    price: "14500000",
  };
  const a5 = await t.api.flats.create.mutate(flat);
  expect(a5).toMatchObject({ status: "available", sizeSft: "1450.00", price: "14500000.00" });
  await t.api.flats.create.mutate({ ...flat, block: "B" });
  const dup = await failure(t.api.flats.create.mutate(flat));
  expect(dup).toMatchObject({ code: "CONFLICT", appCode: "master_data.flat.flatNo_taken" });
  expect(dup.issues?.[0]?.path).toBe("flatNo");
  const wrongKind = await failure(t.api.flats.create.mutate({ ...flat, projectId: site.id }));
  expect(wrongKind.issues?.[0]?.path).toBe("projectId");
  const skip = await failure(t.api.flats.update.mutate({ id: a5.id, expectedVersion: 1, status: "sold" }));
  expect(skip).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "master_data.flat.status" });
  const booked = await t.api.flats.update.mutate({ id: a5.id, expectedVersion: 1, status: "booked" });
  const sold = await t.api.flats.update.mutate({
    id: a5.id,
    expectedVersion: booked.version,
    status: "sold",
  });
  expect(sold).toMatchObject({ status: "sold", version: 3 });
  const back = await failure(
    t.api.flats.update.mutate({ id: a5.id, expectedVersion: 3, status: "available" }),
  );
  expect(back.appCode).toBe("master_data.flat.status");
  const repriced = await failure(t.api.flats.update.mutate({ id: a5.id, expectedVersion: 3, price: "1" }));
  expect(repriced.appCode).toBe("master_data.flat.sold");
  expect(
    (await t.api.flats.list.query({ projectId: project.id, status: "available" })).items.map((f) => f.block),
  ).toEqual(["B"]);
  const types = (await h.events(t.tenantId)).map((e) => e.type).filter((type) => type.includes(".flat."));
  expect(types).toEqual([
    "vextrus.master_data.flat.created",
    "vextrus.master_data.flat.created",
    "vextrus.master_data.flat.updated",
    "vextrus.master_data.flat.updated",
  ]);
});

test("another tenant's projects and flats are NOT_FOUND and cannot be built on", async () => {
  const a = await h.newTenant();
  const b = await h.newTenant();
  const project = await a.api.projects.create.mutate(tower());
  const flat = await a.api.flats.create.mutate({
    projectId: project.id,
    floor: 1,
    flatNo: "1A",
    sizeSft: "900",
    price: "5000000",
  });
  expect((await failure(b.api.projects.get.query({ id: project.id }))).code).toBe("NOT_FOUND");
  expect(
    (await failure(b.api.flats.update.mutate({ id: flat.id, expectedVersion: 1, status: "booked" }))).code,
  ).toBe("NOT_FOUND");
  const borrowed = await failure(
    b.api.flats.create.mutate({ projectId: project.id, floor: 1, flatNo: "1B", sizeSft: "900", price: "1" }),
  );
  expect(borrowed.issues?.[0]?.path).toBe("projectId");
  expect((await b.api.flats.list.query({ projectId: project.id })).items).toEqual([]);
});
