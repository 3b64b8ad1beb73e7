import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BUILTIN_ROLES, PERMISSIONS } from "../src/domain/permission-catalog.ts";
import { type AuthHarness, failure, startAuth } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("usersroles");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

describe("roles", () => {
  test("four built-in roles; admin holds every tenant service but nothing of platform; built-ins are locked", async () => {
    const reg = await h.register("builtin");
    const roles = await reg.api.roles.list.query();
    expect(roles.map((r) => r.name).sort()).toEqual(["admin", "approver", "manager", "viewer"]);
    const admin = roles.find((r) => r.name === "admin");
    expect(admin?.permissions).toEqual([...BUILTIN_ROLES.admin.permissions]);
    expect(admin?.permissions).toContain("audit:*");
    expect(admin?.permissions).toContain("workflow:*");
    expect(admin?.permissions).toContain("rules:*");
    for (const role of roles) {
      expect(role.builtin).toBe(true);
      expect(role.permissions.some((p) => p === "*" || p.startsWith("platform:"))).toBe(false);
      expect(
        (
          await failure(
            reg.api.roles.update.mutate({ id: role.id, name: "renamed", expectedVersion: role.version }),
          )
        ).code,
      ).toBe("PRECONDITION_FAILED");
      expect((await failure(reg.api.roles.delete.mutate({ id: role.id }))).code).toBe("PRECONDITION_FAILED");
    }
  });

  test("custom role CRUD: permissions validated, names unique, in-use roles kept, events emitted", async () => {
    const reg = await h.register("custom");
    const role = await reg.api.roles.create.mutate({
      name: "site engineer",
      permissions: ["organization:department:read", "workflow:task:*", "organization:department:read"],
    });
    expect(role.permissions).toEqual(["organization:department:read", "workflow:task:*"]);
    expect(
      (await failure(reg.api.roles.create.mutate({ name: "site engineer", permissions: ["auth:user:read"] })))
        .code,
    ).toBe("CONFLICT");
    for (const bad of [
      "platform:tenant:create",
      "*",
      "organization",
      "unknown:thing:read",
      "auth:user:READ",
    ]) {
      const refused = await failure(
        reg.api.roles.create.mutate({ name: `bad ${bad}`, permissions: ["auth:user:read", bad] }),
      );
      expect(refused.httpStatus).toBe(400);
      expect(refused.issues.map((i) => i.path)).toEqual(["permissions.1"]);
    }
    const updated = await reg.api.roles.update.mutate({
      id: role.id,
      permissions: ["organization:*"],
      expectedVersion: 1,
    });
    expect(updated.permissions).toEqual(["organization:*"]);
    expect(
      (await failure(reg.api.roles.update.mutate({ id: role.id, name: "x", expectedVersion: 1 }))).code,
    ).toBe("CONFLICT");
    // The version is required: an update that does not say which version it read is bad input.
    for (const unversioned of [
      () => reg.api.roles.update.mutate({ id: role.id, name: "y" } as never),
      () => reg.api.users.update.mutate({ id: reg.user.id, name: "No Version" } as never),
    ]) {
      const refused = await failure(unversioned());
      expect(refused.httpStatus).toBe(400);
      expect(refused.issues.map((i) => i.path)).toEqual(["expectedVersion"]);
    }
    expect((await reg.api.roles.get.query({ id: role.id })).version).toBe(2);
    const holder = await h.member(reg, [role.id]);
    expect(holder.login.permissions).toEqual(["organization:*"]);
    expect((await failure(reg.api.roles.delete.mutate({ id: role.id }))).code).toBe("PRECONDITION_FAILED");
    await reg.api.users.assignRoles.mutate({ userId: holder.user.id, roleIds: [] });
    expect(await reg.api.roles.delete.mutate({ id: role.id })).toEqual({ id: role.id, deleted: true });
    const types =
      await h.authSql`select event->>'type' as type from auth.outbox where key = ${role.id} order by id`;
    expect(types.map((t) => t.type)).toEqual([
      "vextrus.auth.role.created",
      "vextrus.auth.role.updated",
      "vextrus.auth.role.deleted",
    ]);
  });

  test("no one hands out more than they hold: a role manager cannot create or assign admin powers", async () => {
    const reg = await h.register("escalate");
    const roles = await reg.api.roles.list.query();
    const adminRole = roles.find((r) => r.name === "admin");
    const limited = await reg.api.roles.create.mutate({
      name: "people manager",
      permissions: ["auth:user:*", "auth:role:*", "organization:company:read"],
    });
    if (!adminRole) {
      throw new Error("no admin role");
    }
    const pm = await h.member(reg, [limited.id]);
    expect(
      (
        await failure(
          pm.api.users.assignRoles.mutate({ userId: pm.user.id, roleIds: [limited.id, adminRole.id] }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect(
      (await failure(pm.api.roles.create.mutate({ name: "sneaky", permissions: ["organization:*"] }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (
        await failure(
          pm.api.roles.update.mutate({
            id: limited.id,
            permissions: ["auth:*"],
            expectedVersion: limited.version,
          }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    expect((await failure(pm.api.users.deactivate.mutate({ id: reg.user.id }))).code).toBe("FORBIDDEN");
    // Within their powers they can work.
    const ok = await pm.api.roles.create.mutate({
      name: "reader",
      permissions: ["organization:company:read"],
    });
    expect(ok.permissions).toEqual(["organization:company:read"]);
  });

  test("the permission catalog lists what roles are built from, and the migration's copy matches the code", async () => {
    const reg = await h.register("catalog");
    const listed = await reg.api.permissions.list.query();
    expect(listed.map((p) => p.name).sort()).toEqual(PERMISSIONS.map((p) => p.name).sort());
    expect(listed.find((p) => p.name === "auth:user:invite")).toMatchObject({ service: "auth" });
  });
});

describe("users", () => {
  test("invite, list, update, deactivate; duplicate e-mail is CONFLICT; the tenant keeps an admin", async () => {
    const reg = await h.register("users");
    const email = `dup-${Bun.randomUUIDv7().slice(-6)}@example.com`;
    const invited = await reg.api.users.invite.mutate({ name: "Fatema", email });
    const dup = await failure(
      reg.api.users.invite.mutate({ name: "Fatema Again", email: email.toUpperCase() }),
    );
    expect(dup).toMatchObject({ code: "CONFLICT", appCode: "auth.user.email_taken" });
    const listed = await reg.api.users.list.query({ status: "invited" });
    expect(listed.items.map((u) => u.id)).toEqual([invited.user.id]);
    expect((await reg.api.users.list.query({ search: "fatem" })).items.map((u) => u.email)).toEqual([email]);
    const updated = await reg.api.users.update.mutate({
      id: invited.user.id,
      name: "Fatema Begum",
      expectedVersion: 1,
    });
    expect(updated).toMatchObject({ name: "Fatema Begum", version: 2 });
    const moved = await reg.api.users.changeContact.mutate({
      id: invited.user.id,
      mobile: "01912345678",
      expectedVersion: 2,
    });
    expect(moved).toMatchObject({ mobile: "+8801912345678", mobileVerifiedAt: null, version: 3 });
    expect(
      (await failure(reg.api.users.update.mutate({ id: invited.user.id, name: "x", expectedVersion: 1 })))
        .code,
    ).toBe("CONFLICT");
    const deactivated = await reg.api.users.deactivate.mutate({ id: invited.user.id });
    expect(deactivated.status).toBe("deactivated");

    expect((await failure(reg.api.users.deactivate.mutate({ id: reg.user.id }))).appCode).toBe(
      "auth.user.self_deactivate",
    );
    const lastAdmin = await failure(reg.api.users.assignRoles.mutate({ userId: reg.user.id, roleIds: [] }));
    expect(lastAdmin).toMatchObject({ code: "PRECONDITION_FAILED", appCode: "auth.user.last_admin" });
    expect((await reg.api.me.query()).roles.map((r) => r.name)).toEqual(["admin"]);
  });

  test("sessions: one's own are listed and revocable; another user's need auth:session permissions", async () => {
    const reg = await h.register("sessions");
    const viewerRole = (await reg.api.roles.list.query()).find((r) => r.name === "viewer");
    if (!viewerRole) {
      throw new Error("no viewer");
    }
    const viewer = await h.member(reg, [viewerRole.id]);
    const own = await viewer.api.sessions.list.query();
    expect(own.map((s) => s.current)).toEqual([true]);
    expect((await failure(viewer.api.sessions.list.query({ userId: reg.user.id }))).code).toBe("NOT_FOUND");
    const adminSessions = await reg.api.sessions.list.query();
    const adminSession = adminSessions[0];
    if (!adminSession) {
      throw new Error("no admin session");
    }
    expect((await failure(viewer.api.sessions.revoke.mutate({ sessionId: adminSession.id }))).code).toBe(
      "NOT_FOUND",
    );
    // The admin may see and end the viewer's session.
    expect((await reg.api.sessions.list.query({ userId: viewer.user.id })).length).toBe(1);
    await reg.api.sessions.revoke.mutate({ sessionId: own[0]?.id ?? "" });
    expect((await failure(viewer.api.me.query())).code).toBe("UNAUTHORIZED");
  });
});

describe("row-level security", () => {
  test("every tenant table forces RLS; the app role without a tenant sees nothing and cannot write", async () => {
    const tables = await h.authSql`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'auth' and c.relkind = 'r'`;
    const byName = Object.fromEntries(
      tables.map((t) => [t.relname, [t.relrowsecurity, t.relforcerowsecurity]]),
    );
    for (const name of [
      "tenants",
      "users",
      "credentials",
      "password_reset_tokens",
      "roles",
      "role_permissions",
      "user_roles",
      "api_keys",
      "sessions",
      "refresh_tokens",
      "login_attempts",
      "signing_keys",
      "permissions",
    ]) {
      expect([name, ...(byName[name] ?? [])]).toEqual([name, true, true]);
    }
    await h.register("rls");
    const seen = await h.authSql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      return tx`select (select count(*) from auth.users)::int u, (select count(*) from auth.credentials)::int c,
        (select count(*) from auth.signing_keys)::int k, (select count(*) from auth.sessions)::int s`;
    });
    expect(seen[0]).toEqual({ u: 0, c: 0, k: 0, s: 0 });
    const forged = h.authSql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      await tx`insert into auth.users (id, tenant_id, email, name) values (${Bun.randomUUIDv7()}, ${Bun.randomUUIDv7()}, 'x@example.com', 'ghost')`;
    });
    expect(await forged.then(() => "OK").catch((e: { code?: string }) => e.code)).toBe("42501");
    const outbox = h.authSql.begin(async (tx) => {
      await tx`set local role vextrus_app`;
      await tx`select * from auth.outbox`;
    });
    expect(await outbox.then(() => "OK").catch((e: { code?: string }) => e.code)).toBe("42501");
  });
});
