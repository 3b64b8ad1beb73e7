import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import type { OrganizationRouter } from "../src/router.ts";
import { type OrgHarness, startOrganization } from "./harness.ts";

let h: OrgHarness;
beforeAll(async () => {
  h = await startOrganization("org");
});
afterAll(async () => {
  await h.stop();
});

function errorOf(error: unknown) {
  expect(error).toBeInstanceOf(TRPCClientError);
  const e = error as TRPCClientError<OrganizationRouter>;
  if (!e.data) {
    throw new Error("error without data");
  }
  return { message: e.message, data: e.data };
}

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return errorOf(error);
  }
  throw new Error("expected the call to fail");
}

async function seedStructure(api: OrgHarness["client"] extends (...a: never[]) => infer C ? C : never) {
  const company = await api.companies.create.mutate({ name: "Rupayan Housing", bin: "000123456-0101" });
  const head = await api.departments.create.mutate({
    companyId: company.id,
    name: "Projects",
    nameBn: "প্রকল্প",
  });
  const site = await api.departments.create.mutate({
    companyId: company.id,
    parentId: head.id,
    name: "Site A",
  });
  const engineer = await api.designations.create.mutate({ name: "Site Engineer", rank: 1, approvalLimit: 0 });
  const pm = await api.designations.create.mutate({
    name: "Project Manager",
    rank: 2,
    approvalLimit: "500000",
  });
  const director = await api.designations.create.mutate({
    name: "Director",
    rank: 3,
    approvalLimit: 5_000_000,
  });
  return { company, head, site, engineer, pm, director };
}

describe("organization structure", () => {
  test("companies, departments and designations round-trip with canonical ids and money", async () => {
    const { api } = await h.newTenant("struct");
    const s = await seedStructure(api);
    expect(s.company.bin).toBe("0001234560101");
    expect(s.pm.approvalLimit).toBe("500000.00");
    expect(s.director.approvalLimit).toBe("5000000.00");
    const fetched = await api.departments.get.query({ id: s.site.id });
    expect(fetched.parentId).toBe(s.head.id);
    expect(fetched.createdAt).toBeInstanceOf(Date);
  });

  test("a negative approval limit is refused on create and update, naming the field", async () => {
    const { api } = await h.newTenant("neglimit");
    const created = await failure(
      api.designations.create.mutate({ name: "Clerk", rank: 1, approvalLimit: "-5" }),
    );
    expect(created.data.httpStatus).toBe(400);
    expect(created.message).toBe("approvalLimit: must not be negative");
    expect(created.data.issues?.[0]?.path).toBe("approvalLimit");
    const clerk = await api.designations.create.mutate({ name: "Clerk", rank: 1, approvalLimit: "0" });
    const updated = await failure(
      api.designations.update.mutate({
        id: clerk.id,
        approvalLimit: "-0.01",
        expectedVersion: clerk.version,
      }),
    );
    expect(updated.data.issues?.[0]?.path).toBe("approvalLimit");
    expect((await api.designations.get.query({ id: clerk.id })).approvalLimit).toBe("0.00");
  });

  test("the department tree nests children under parents", async () => {
    const { api } = await h.newTenant("tree");
    const s = await seedStructure(api);
    const tree = await api.departments.tree.query({ companyId: s.company.id });
    expect(tree).toHaveLength(1);
    expect(tree[0]?.id).toBe(s.head.id);
    expect(tree[0]?.children.map((c) => c.id)).toEqual([s.site.id]);
  });

  test("a department cannot become its own ancestor", async () => {
    const { api } = await h.newTenant("cycle");
    const s = await seedStructure(api);
    const err = await failure(
      api.departments.update.mutate({ id: s.head.id, parentId: s.site.id, expectedVersion: s.head.version }),
    );
    expect(err.data.code).toBe("BAD_REQUEST");
    expect(err.data.issues?.[0]?.path).toBe("parentId");
    const self = await failure(
      api.departments.update.mutate({ id: s.head.id, parentId: s.head.id, expectedVersion: s.head.version }),
    );
    expect(self.data.appCode).toBe("organization.department.cycle");
    expect((await api.departments.get.query({ id: s.head.id })).parentId).toBeNull();
  });

  test("list pages with a cursor, filters, search and hides archived rows", async () => {
    const { api } = await h.newTenant("page");
    const company = await api.companies.create.mutate({ name: "Paging Co" });
    for (let i = 0; i < 5; i++) {
      await api.departments.create.mutate({ companyId: company.id, name: `Dept ${i}` });
    }
    const first = await api.departments.list.query({ limit: 2 });
    expect(first.items.map((d) => d.name)).toEqual(["Dept 0", "Dept 1"]);
    expect(first.nextCursor).not.toBeNull();
    const second = await api.departments.list.query({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((d) => d.name)).toEqual(["Dept 2", "Dept 3"]);
    const last = await api.departments.list.query({ limit: 2, cursor: second.nextCursor ?? undefined });
    expect(last.items.map((d) => d.name)).toEqual(["Dept 4"]);
    expect(last.nextCursor).toBeNull();
    const searched = await api.departments.list.query({ search: "dept 3" });
    expect(searched.items.map((d) => d.name)).toEqual(["Dept 3"]);
    const target = first.items[0];
    if (!target) {
      throw new Error("no department");
    }
    await api.departments.archive.mutate({ id: target.id, expectedVersion: target.version });
    expect((await api.departments.list.query({})).items).toHaveLength(4);
    expect((await api.departments.list.query({ includeArchived: true })).items).toHaveLength(5);
  });

  test("updates use optimistic concurrency", async () => {
    const { api } = await h.newTenant("occ");
    const company = await api.companies.create.mutate({ name: "Versioned" });
    const updated = await api.companies.update.mutate({
      id: company.id,
      name: "Versioned 2",
      expectedVersion: 1,
    });
    expect(updated.version).toBe(2);
    const stale = await failure(
      api.companies.update.mutate({ id: company.id, name: "Versioned 3", expectedVersion: 1 }),
    );
    expect(stale.data.code).toBe("CONFLICT");
    expect((await api.companies.get.query({ id: company.id })).name).toBe("Versioned 2");
  });

  test("every update and archive names the version it read: without one it is a 400 on expectedVersion", async () => {
    const { api, tenant: owner } = await h.newTenant("occ-required");
    const s = await seedStructure(api);
    const member = await api.memberships.create.mutate({
      userId: await h.user(owner.id),
      companyId: s.company.id,
      departmentId: s.site.id,
      designationId: s.engineer.id,
    });
    // Sent as a caller that skips the types would send them.
    const unversioned = [
      () => api.companies.update.mutate({ id: s.company.id, name: "No version" } as never),
      () => api.companies.archive.mutate({ id: s.company.id } as never),
      () => api.departments.update.mutate({ id: s.site.id, name: "No version" } as never),
      () => api.departments.archive.mutate({ id: s.head.id } as never),
      () => api.designations.update.mutate({ id: s.pm.id, approvalLimit: "1" } as never),
      () => api.memberships.update.mutate({ id: member.id, reportsToUserId: null } as never),
      () => api.memberships.archive.mutate({ id: member.id } as never),
      () => api.tenants.update.mutate({ legalNameBn: "কোনো সংস্করণ নেই" } as never),
    ];
    for (const call of unversioned) {
      const refused = await failure(call());
      expect(refused.data.code).toBe("BAD_REQUEST");
      expect(refused.data.issues?.map((i) => i.path)).toEqual(["expectedVersion"]);
    }
    expect((await api.companies.get.query({ id: s.company.id })).version).toBe(1);
    const tenant = await api.tenants.get.query();
    expect(tenant.legalNameBn).not.toBe("কোনো সংস্করণ নেই");
  });

  test("a department with members cannot be archived", async () => {
    const { api, tenant } = await h.newTenant("busy");
    const s = await seedStructure(api);
    await api.memberships.create.mutate({
      userId: await h.user(tenant.id),
      companyId: s.company.id,
      departmentId: s.site.id,
      designationId: s.engineer.id,
    });
    const err = await failure(
      api.departments.archive.mutate({ id: s.site.id, expectedVersion: s.site.version }),
    );
    expect(err.data.code).toBe("PRECONDITION_FAILED");
  });
});

describe("reporting chain", () => {
  test("chain.forUser walks up with designations and approval limits, skipping people who left", async () => {
    const { api, tenant } = await h.newTenant("chain");
    const s = await seedStructure(api);
    const md = await h.user(tenant.id);
    const director = await h.user(tenant.id);
    const pm = await h.user(tenant.id);
    const engineer = await h.user(tenant.id);
    const base = { companyId: s.company.id, departmentId: s.head.id };
    await api.memberships.create.mutate({ ...base, userId: md, designationId: s.director.id });
    await api.memberships.create.mutate({
      ...base,
      userId: director,
      designationId: s.director.id,
      reportsToUserId: md,
    });
    const pmMembership = await api.memberships.create.mutate({
      ...base,
      userId: pm,
      designationId: s.pm.id,
      reportsToUserId: director,
    });
    await api.memberships.create.mutate({
      ...base,
      departmentId: s.site.id,
      userId: engineer,
      designationId: s.engineer.id,
      reportsToUserId: pm,
    });

    const { chain } = await api.chain.forUser.query({ userId: engineer });
    expect(chain.map((c) => c.userId)).toEqual([engineer, pm, director, md]);
    expect(chain.map((c) => c.designation.approvalLimit)).toEqual([
      "0.00",
      "500000.00",
      "5000000.00",
      "5000000.00",
    ]);
    expect(chain.map((c) => c.level)).toEqual([0, 1, 2, 3]);

    await api.memberships.archive.mutate({ id: pmMembership.id, expectedVersion: pmMembership.version });
    const after = await api.chain.forUser.query({ userId: engineer });
    expect(after.chain.map((c) => c.userId)).toEqual([engineer, director, md]);
  });

  test("reporting lines cannot loop", async () => {
    const { api, tenant } = await h.newTenant("loop");
    const s = await seedStructure(api);
    const boss = await h.user(tenant.id);
    const report = await h.user(tenant.id);
    const base = { companyId: s.company.id, departmentId: s.head.id, designationId: s.pm.id };
    const bossMembership = await api.memberships.create.mutate({ ...base, userId: boss });
    await api.memberships.create.mutate({ ...base, userId: report, reportsToUserId: boss });
    const err = await failure(
      api.memberships.update.mutate({
        id: bossMembership.id,
        reportsToUserId: report,
        expectedVersion: bossMembership.version,
      }),
    );
    expect(err.data.appCode).toBe("organization.membership.cycle");
    const selfReport = await failure(
      api.memberships.create
        .mutate({
          ...base,
          userId: await h.user(tenant.id),
          reportsToUserId: undefined,
          companyId: s.company.id,
        })
        .then(async (m) =>
          api.memberships.update.mutate({ id: m.id, reportsToUserId: m.userId, expectedVersion: m.version }),
        ),
    );
    expect(selfReport.data.code).toBe("BAD_REQUEST");
  });

  test("chain of an unknown user is NOT_FOUND", async () => {
    const { api } = await h.newTenant("nochain");
    const err = await failure(api.chain.forUser.query({ userId: Bun.randomUUIDv7() }));
    expect(err.data.code).toBe("NOT_FOUND");
  });
});

describe("tenants", () => {
  test("a taken slug is CONFLICT", async () => {
    const { tenant, operator } = await h.newTenant("dup");
    const err = await failure(
      h.client(operator).tenants.create.mutate({ slug: tenant.slug, legalName: "Other" }),
    );
    expect(err.data.code).toBe("CONFLICT");
  });

  test("a suspended tenant's calls fail with FORBIDDEN until it is reactivated", async () => {
    const { tenant, operator, api } = await h.newTenant("susp");
    await api.companies.create.mutate({ name: "Before" });
    await h.client(operator).tenants.suspend.mutate({ tenantId: tenant.id });
    const err = await failure(api.companies.list.query({}));
    expect(err.data.code).toBe("FORBIDDEN");
    expect(err.data.appCode).toBe("organization.tenant.suspended");
    await h.client(operator).tenants.activate.mutate({ tenantId: tenant.id });
    expect((await api.companies.list.query({})).items).toHaveLength(1);
  });

  test("BIN and e-TIN follow current law: legacy lengths are rejected with a reason", async () => {
    const { operator } = await h.newTenant("law");
    const err = await failure(
      h.client(operator).tenants.create.mutate({
        slug: `law-${Bun.randomUUIDv7().slice(-6)}`,
        legalName: "X",
        bin: "123456789",
        etin: "1234567890",
      }),
    );
    expect(err.data.code).toBe("BAD_REQUEST");
    const codes = Object.fromEntries((err.data.issues ?? []).map((i) => [i.path, i.code]));
    expect(codes).toEqual({ bin: "bd.bin.legacy", etin: "bd.etin.legacy" });
  });

  test("tenants.get returns the caller's own organisation; update bumps its version", async () => {
    const { tenant, api } = await h.newTenant("own");
    expect((await api.tenants.get.query()).id).toBe(tenant.id);
    const updated = await api.tenants.update.mutate({
      legalNameBn: "নিজস্ব বিল্ডার্স লিমিটেড",
      expectedVersion: 1,
    });
    expect(updated.legalNameBn).toBe("নিজস্ব বিল্ডার্স লিমিটেড");
    expect(updated.version).toBe(2);
  });
});

describe("tenant discard (registration compensation)", () => {
  test("an empty tenant can be discarded by the platform; one holding data cannot", async () => {
    const { tenant, operator, api } = await h.newTenant("discard");
    const platform = h.client(operator);
    await api.companies.create.mutate({ name: "Holds data" });
    expect((await failure(platform.tenants.discard.mutate({ tenantId: tenant.id }))).data.code).toBe(
      "PRECONDITION_FAILED",
    );
    const empty = await h.newTenant("discard-empty");
    expect(await platform.tenants.discard.mutate({ tenantId: empty.tenant.id })).toEqual({
      tenantId: empty.tenant.id,
      discarded: true,
    });
    expect((await failure(empty.api.tenants.get.query())).data.code).toBe("FORBIDDEN");
    expect((await failure(platform.tenants.discard.mutate({ tenantId: empty.tenant.id }))).data.code).toBe(
      "NOT_FOUND",
    );
    expect((await failure(api.tenants.discard.mutate({ tenantId: tenant.id }))).data.code).toBe("FORBIDDEN");
  });
});
