import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { rowsOf } from "@vextrus/platform/db";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { companies, departments } from "../src/db/schema.ts";
import { type OrgHarness, startOrganization } from "./harness.ts";

let h: OrgHarness;
let superuser: postgres.Sql;
beforeAll(async () => {
  h = await startOrganization("tenancy");
  superuser = postgres(h.databaseUrl, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await superuser.end();
  await h.stop();
});

async function twoTenants() {
  const a = await h.newTenant("a");
  const b = await h.newTenant("b");
  const bCompany = await b.api.companies.create.mutate({ name: "B Secret Holdings" });
  const bDept = await b.api.departments.create.mutate({ companyId: bCompany.id, name: "B Finance" });
  const bDesignation = await b.api.designations.create.mutate({
    name: "B CFO",
    rank: 5,
    approvalLimit: "9999999",
  });
  const bUser = await h.user(b.tenant.id);
  const bMember = await b.api.memberships.create.mutate({
    userId: bUser,
    companyId: bCompany.id,
    departmentId: bDept.id,
    designationId: bDesignation.id,
  });
  return { a, b, bCompany, bDept, bDesignation, bUser, bMember };
}

/** The PostgreSQL error code behind a failed query (drizzle wraps the driver's error as `cause`). */
async function pgCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    return e.cause?.code ?? e.code ?? "unknown";
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return (error.data as { code: string }).code;
    }
    throw error;
  }
}

describe("row-level security in PostgreSQL", () => {
  test("the application role cannot bypass RLS and every table forces it", async () => {
    const [role] = await superuser`select rolsuper, rolbypassrls from pg_roles where rolname = 'vextrus_app'`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    // Every table but the outbox and the inbox holds tenant rows; those two are infrastructure.
    const tables = await superuser`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'organization' and c.relkind = 'r' and c.relname not in ('outbox', 'inbox')`;
    expect(tables.length).toBe(7);
    expect(tables.map((t) => t.relname)).toContain("known_users");
    for (const t of tables) {
      expect([t.relname, t.relrowsecurity, t.relforcerowsecurity]).toEqual([t.relname, true, true]);
    }
  });

  test("the application role may only add events to the outbox, never read or change them", async () => {
    const grants = await superuser`
      select privilege_type from information_schema.role_table_grants
      where grantee = 'vextrus_app' and table_schema = 'organization' and table_name = 'outbox'`;
    expect(grants.map((g) => g.privilege_type)).toEqual(["INSERT"]);
    const read = superuser.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      await tx`select * from organization.outbox`;
    });
    expect(await pgCode(read)).toBe("42501");
  });

  test("without tenant context the application role sees no rows and cannot insert", async () => {
    await twoTenants();
    const [total] = await superuser`select count(*)::int as n from organization.companies`;
    expect(total?.n).toBeGreaterThan(0);
    const seen = await superuser.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      return tx`select count(*)::int as n from organization.companies`;
    });
    expect(seen[0]?.n).toBe(0);
    const insert = superuser.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      await tx`insert into organization.companies (id, tenant_id, name) values (${Bun.randomUUIDv7()}, ${Bun.randomUUIDv7()}, 'ghost')`;
    });
    expect(await pgCode(insert)).toBe("42501");
  });

  test("tenant A's transaction cannot read, update or insert tenant B's rows", async () => {
    const { a, b, bCompany } = await twoTenants();
    const read = await h.db.tenant(a.tenant.id, (tx) =>
      tx.select().from(companies).where(eq(companies.id, bCompany.id)),
    );
    expect(read).toEqual([]);
    const updated = await h.db.tenant(a.tenant.id, (tx) =>
      tx.update(companies).set({ name: "pwned" }).where(eq(companies.id, bCompany.id)).returning(),
    );
    expect(updated).toEqual([]);
    const forged = h.db.tenant(a.tenant.id, (tx) =>
      tx.insert(companies).values({ tenantId: b.tenant.id, name: "forged into B" }),
    );
    expect(await pgCode(forged)).toBe("42501");
    const moved = h.db.tenant(a.tenant.id, async (tx) => {
      const [own] = await tx.insert(companies).values({ tenantId: a.tenant.id, name: "mine" }).returning();
      return tx
        .update(companies)
        .set({ tenantId: b.tenant.id })
        .where(eq(companies.id, own?.id ?? ""))
        .returning();
    });
    expect(await pgCode(moved)).toBe("42501");
    const [still] = await superuser`select name from organization.companies where id = ${bCompany.id}`;
    expect(still?.name).toBe("B Secret Holdings");
  });

  test("a raw query inside a tenant transaction is still confined", async () => {
    const { a, bDept } = await twoTenants();
    const rows = await h.db.tenant(a.tenant.id, async (tx) =>
      rowsOf<{ id: string }>(await tx.execute(sql`select id from organization.departments`)),
    );
    expect(rows.map((r) => r.id)).not.toContain(bDept.id);
    const count = await h.db.tenant(a.tenant.id, (tx) =>
      tx.select().from(departments).where(eq(departments.id, bDept.id)),
    );
    expect(count).toHaveLength(0);
  });
});

describe("through the API, tenant A never reaches tenant B", () => {
  test("every by-id procedure answers NOT_FOUND for B's ids and changes nothing", async () => {
    const { a, bCompany, bDept, bDesignation, bMember, bUser } = await twoTenants();
    const api = a.api;
    expect(await codeOf(api.companies.get.query({ id: bCompany.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(api.companies.update.mutate({ id: bCompany.id, name: "pwned", expectedVersion: 1 })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(api.companies.archive.mutate({ id: bCompany.id, expectedVersion: 1 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(api.departments.get.query({ id: bDept.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(api.departments.update.mutate({ id: bDept.id, name: "pwned", expectedVersion: 1 })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(api.departments.archive.mutate({ id: bDept.id, expectedVersion: 1 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(api.designations.get.query({ id: bDesignation.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        api.designations.update.mutate({ id: bDesignation.id, approvalLimit: 1, expectedVersion: 1 }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(api.memberships.get.query({ id: bMember.id }))).toBe("NOT_FOUND");
    expect(await codeOf(api.memberships.archive.mutate({ id: bMember.id, expectedVersion: 1 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(api.chain.forUser.query({ userId: bUser }))).toBe("NOT_FOUND");
    const [company] =
      await superuser`select name, version, archived_at from organization.companies where id = ${bCompany.id}`;
    expect(company).toEqual({ name: "B Secret Holdings", version: 1, archived_at: null });
  });

  test("A cannot attach its rows to B's records (references are checked within the tenant)", async () => {
    const { a, bCompany, bDept, bDesignation, bUser } = await twoTenants();
    expect(await codeOf(a.api.departments.create.mutate({ companyId: bCompany.id, name: "inside B" }))).toBe(
      "BAD_REQUEST",
    );
    const own = await a.api.companies.create.mutate({ name: "A Co" });
    const ownDept = await a.api.departments.create.mutate({ companyId: own.id, name: "A Dept" });
    const ownDesignation = await a.api.designations.create.mutate({
      name: "A Eng",
      rank: 1,
      approvalLimit: 0,
    });
    const base = { userId: await h.user(a.tenant.id), companyId: own.id };
    expect(
      await codeOf(
        a.api.memberships.create.mutate({
          ...base,
          departmentId: bDept.id,
          designationId: ownDesignation.id,
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        a.api.memberships.create.mutate({
          ...base,
          departmentId: ownDept.id,
          designationId: bDesignation.id,
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        a.api.memberships.create.mutate({
          ...base,
          departmentId: ownDept.id,
          designationId: ownDesignation.id,
          reportsToUserId: bUser,
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  test("lists and trees hold only the caller's rows", async () => {
    const { a, bCompany } = await twoTenants();
    await a.api.companies.create.mutate({ name: "A only" });
    const listed = await a.api.companies.list.query({ limit: 100 });
    expect(listed.items.map((c) => c.tenantId)).toEqual(listed.items.map(() => a.tenant.id));
    expect(listed.items.map((c) => c.id)).not.toContain(bCompany.id);
    const tree = await a.api.departments.tree.query({});
    expect(tree).toEqual([]);
    expect((await a.api.tenants.get.query()).id).toBe(a.tenant.id);
  });

  test("a token without the permission is FORBIDDEN; no token is UNAUTHORIZED; a forged one too", async () => {
    const { a } = await twoTenants();
    const viewer = h.client(
      await h.signer.sign({ tenantId: a.tenant.id, permissions: ["organization:company:read"] }),
    );
    expect(await codeOf(viewer.companies.list.query({}))).toBe("OK");
    expect(await codeOf(viewer.companies.create.mutate({ name: "nope" }))).toBe("FORBIDDEN");
    expect(await codeOf(h.client().companies.list.query({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(h.client("not-a-jwt").companies.list.query({}))).toBe("UNAUTHORIZED");
    const { createTestSigner } = await import("@vextrus/platform/testing");
    const impostor = await createTestSigner();
    const forged = await impostor.sign({ tenantId: a.tenant.id, permissions: ["*"] });
    expect(await codeOf(h.client(forged).companies.list.query({}))).toBe("UNAUTHORIZED");
    const expired = await h.signer.sign({ tenantId: a.tenant.id, expiresIn: "-1m" });
    expect(await codeOf(h.client(expired).companies.list.query({}))).toBe("UNAUTHORIZED");
    const [header, payload] = forged.split(".");
    const noneHeader = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    expect(header).toBeDefined();
    expect(await codeOf(h.client(`${noneHeader}.${payload}.`).companies.list.query({}))).toBe("UNAUTHORIZED");
    // A tenant's own administrator is not a platform operator.
    expect(await codeOf(a.api.tenants.suspend.mutate({ tenantId: a.tenant.id }))).toBe("FORBIDDEN");
    expect(await codeOf(a.api.tenants.list.query({}))).toBe("FORBIDDEN");
  });
});
