import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, postgresDatabase } from "@vextrus/platform/db";
import { createApp } from "../src/app.ts";
import { type AuthHarness, failure, freshIp, SETTINGS, startAuth, strongPassword } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("registration");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

const count = async (sql: AuthHarness["authSql"], query: string, value: string) => {
  const rows = await sql.unsafe(query, [value]);
  return Number(rows[0]?.n ?? -1);
};

describe("a company signs up and its admin works", () => {
  test("register → login → refresh → me", async () => {
    const reg = await h.register("acme");
    expect(reg.accessToken.split(".")).toHaveLength(3);
    expect(reg.expiresIn).toBe(900);
    expect(reg.permissions).toContain("auth:*");
    expect(reg.permissions).toContain("organization:*");
    expect(reg.permissions.some((p) => p.startsWith("platform:"))).toBe(false);

    // The tenant exists in organization with the same id, and the admin's token works there.
    const org = await h.organization(reg.accessToken).tenants.get.query();
    expect(org).toMatchObject({ id: reg.tenant.id, slug: reg.slug });

    const login = await h
      .client()
      .login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password });
    expect(login.user).toMatchObject({ id: reg.user.id, email: reg.email, tenantId: reg.tenant.id });
    const refreshed = await h.client().refresh.mutate({ refreshToken: login.refreshToken });
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    const me = await h.client({ token: refreshed.accessToken }).me.query();
    expect(me.user.email).toBe(reg.email);
    expect(me.tenant).toEqual({ id: reg.tenant.id, slug: reg.slug });
    expect(me.roles.map((r) => r.name)).toEqual(["admin"]);
    expect(me.sessionId).toBe(refreshed.sessionId);

    const metrics = await (await fetch(`${h.authUrl}/metrics`)).text();
    expect(metrics).toMatch(/vextrus_auth_logins_total\{[^}]*outcome="succeeded"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/vextrus_auth_registrations_total\{[^}]*outcome="succeeded"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/vextrus_auth_refreshes_total\{[^}]*outcome="ok"[^}]*\} [1-9]/);
  });

  test("login by Bangladeshi mobile number, in any common spelling", async () => {
    const suffix = Bun.randomUUIDv7().slice(-8);
    const password = strongPassword();
    await h.client().registerTenant.mutate({
      tenant: { slug: `mob-${suffix}`, legalName: "Mobile Ltd" },
      admin: { name: "Karim", email: `k-${suffix}@example.com`, mobile: "01712-345678", password },
    });
    const login = await h
      .client()
      .login.mutate({ tenantSlug: `mob-${suffix}`, identifier: "+8801712345678", password });
    expect(login.user.email).toBe(`k-${suffix}@example.com`);
  });

  test("a taken slug or a taken founding e-mail is CONFLICT naming the field", async () => {
    const first = await h.register("dup");
    const slugTaken = await failure(
      h.client().registerTenant.mutate({
        tenant: { slug: first.slug, legalName: "Copycat Ltd" },
        admin: {
          name: "Someone",
          email: `other-${Bun.randomUUIDv7()}@example.com`,
          password: strongPassword(),
        },
      }),
    );
    expect(slugTaken).toMatchObject({
      code: "CONFLICT",
      httpStatus: 409,
      appCode: "auth.register.slug_taken",
    });
    expect(slugTaken.issues.map((i) => i.path)).toEqual(["tenant.slug"]);
    const emailTaken = await failure(
      h.client().registerTenant.mutate({
        tenant: { slug: `fresh-${Bun.randomUUIDv7().slice(-8)}`, legalName: "Second Ltd" },
        admin: { name: "Same Person", email: first.email.toUpperCase(), password: strongPassword() },
      }),
    );
    expect(emailTaken).toMatchObject({ code: "CONFLICT", appCode: "auth.register.email_taken" });
    expect(emailTaken.issues.map((i) => i.path)).toEqual(["admin.email"]);
  });

  test("a weak or personal password is a 400 on admin.password and nothing is created", async () => {
    const slug = `weak-${Bun.randomUUIDv7().slice(-8)}`;
    for (const password of [
      "password1234",
      "Dhaka@123456789",
      "123456789012",
      "aaaaaaaaaaaa",
      `${slug}-2025!`,
    ]) {
      const weak = await failure(
        h.client().registerTenant.mutate({
          tenant: { slug, legalName: "Weak Ltd" },
          admin: { name: "Weak", email: `w-${slug}@example.com`, password },
        }),
      );
      expect(weak.httpStatus).toBe(400);
      expect(weak.issues.map((i) => i.path)).toEqual(["admin.password"]);
    }
    const short = await failure(
      h.client().registerTenant.mutate({
        tenant: { slug, legalName: "Weak Ltd" },
        admin: { name: "Weak", email: `w-${slug}@example.com`, password: "short-1" },
      }),
    );
    expect(short.issues.map((i) => i.path)).toEqual(["admin.password"]);
    expect(await count(h.authSql, "select count(*) n from auth.tenants where slug = $1", slug)).toBe(0);
    expect(await count(h.orgSql, "select count(*) n from organization.tenants where slug = $1", slug)).toBe(
      0,
    );
  });
});

describe("registration leaves nothing behind when either half fails", () => {
  test("organization down: UNAVAILABLE, no tenant, no user, slug free again", async () => {
    const slug = `down-${Bun.randomUUIDv7().slice(-8)}`;
    const email = `down-${slug}@example.com`;
    h.orgProxy.setMode("down");
    const refused = await failure(
      h.client().registerTenant.mutate({
        tenant: { slug, legalName: "Down Ltd" },
        admin: { name: "Down", email, password: strongPassword() },
      }),
    );
    h.orgProxy.setMode("pass");
    expect(refused).toMatchObject({ code: "SERVICE_UNAVAILABLE", httpStatus: 503 });
    expect(refused.message).not.toMatch(/ECONNREFUSED|stack|\.ts:/);
    expect(await count(h.authSql, "select count(*) n from auth.tenants where slug = $1", slug)).toBe(0);
    expect(await count(h.authSql, "select count(*) n from auth.users where email = $1", email)).toBe(0);
    expect(await count(h.orgSql, "select count(*) n from organization.tenants where slug = $1", slug)).toBe(
      0,
    );
    // Nothing was reserved for good: the same registration now succeeds.
    const ok = await h.client().registerTenant.mutate({
      tenant: { slug, legalName: "Down Ltd" },
      admin: { name: "Down", email, password: strongPassword() },
    });
    expect(ok.tenant.slug).toBe(slug);
  });

  test("organization's CONFLICT (a slug auth never saw) is CONFLICT and auth keeps nothing", async () => {
    const slug = `orgonly-${Bun.randomUUIDv7().slice(-8)}`;
    await h.orgSql`insert into organization.tenants (id, slug, legal_name) values (${Bun.randomUUIDv7()}, ${slug}, 'Org Only')`;
    const email = `o-${slug}@example.com`;
    const refused = await failure(
      h.client().registerTenant.mutate({
        tenant: { slug, legalName: "Late Ltd" },
        admin: { name: "Late", email, password: strongPassword() },
      }),
    );
    expect(refused).toMatchObject({ code: "CONFLICT", appCode: "auth.register.slug_taken" });
    expect(await count(h.authSql, "select count(*) n from auth.tenants where slug = $1", slug)).toBe(0);
    expect(await count(h.authSql, "select count(*) n from auth.tenants where owner_email = $1", email)).toBe(
      0,
    );
    expect(await count(h.orgSql, "select count(*) n from organization.tenants where slug = $1", slug)).toBe(
      1,
    );
  });

  test("auth failing after organization succeeded discards organization's tenant", async () => {
    const slug = `authfail-${Bun.randomUUIDv7().slice(-8)}`;
    const email = `fail-${slug}@example.com`;
    // A real database failure in auth's half: a trigger refuses this one admin row.
    await h.authSql.unsafe(`
      create or replace function auth.refuse_test_user() returns trigger language plpgsql as $$
      begin
        if new.email like 'fail-authfail-%' then raise exception 'disk full (simulated)'; end if;
        return new;
      end $$;
      drop trigger if exists refuse_test_user on auth.users;
      create trigger refuse_test_user before insert on auth.users for each row execute function auth.refuse_test_user();`);
    try {
      const refused = await failure(
        h.client().registerTenant.mutate({
          tenant: { slug, legalName: "Half Ltd" },
          admin: { name: "Half", email, password: strongPassword() },
        }),
      );
      expect(refused).toMatchObject({ code: "INTERNAL_SERVER_ERROR", httpStatus: 500 });
      expect(refused.message).not.toContain("disk full");
    } finally {
      await h.authSql.unsafe("drop trigger if exists refuse_test_user on auth.users");
    }
    expect(await count(h.orgSql, "select count(*) n from organization.tenants where slug = $1", slug)).toBe(
      0,
    );
    expect(await count(h.authSql, "select count(*) n from auth.tenants where slug = $1", slug)).toBe(0);
    expect(await count(h.authSql, "select count(*) n from auth.users where email = $1", email)).toBe(0);
    expect(await count(h.authSql, "select count(*) n from auth.outbox where key = $1", email)).toBe(0);
  });

  test("a registration emits user.registered through the outbox, with no secret in it", async () => {
    const reg = await h.register("events");
    const rows =
      await h.authSql`select topic, event from auth.outbox where tenant_id = ${reg.tenant.id} order by id`;
    const types = rows.map((r) => (r.event as { type: string }).type);
    expect(types).toContain("vextrus.auth.user.registered");
    const text = JSON.stringify(rows);
    expect(text).not.toContain(reg.password);
    expect(text).not.toContain(reg.refreshToken);
    expect(text).not.toContain("$argon2id");
  });
});

describe("anti-automation on the public verbs that write or send", () => {
  test("one address may start only so many sign-ups an hour (3 here); another address is unaffected", async () => {
    const ip = freshIp();
    const signUp = (address: string) => {
      const label = Bun.randomUUIDv7().slice(-8);
      return h.client({ ip: address }).registerTenant.mutate({
        tenant: { slug: `burst-${label}`, legalName: `Burst ${label} Ltd` },
        admin: { name: "Burst Owner", email: `owner-${label}@example.com`, password: strongPassword() },
      });
    };
    for (let i = 0; i < 3; i++) {
      expect((await signUp(ip)).tenant.id).toBeString();
    }
    const refused = await failure(signUp(ip));
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "auth.registration.ip_limited" });
    expect((await signUp(freshIp())).tenant.id).toBeString();
    const [row] = await h.authSql`select count(*)::int as n from auth.tenants where slug like 'burst-%'`;
    expect(row?.n).toBe(4);
  });

  test("the per-address budgets hold across auth replicas: they are kept in PostgreSQL", async () => {
    // A second auth replica on the same database (what compose or a scaled deployment runs).
    const db = postgresDatabase({ url: h.authDatabaseUrl, appRole: APP_ROLE });
    try {
      const { deps: other } = createApp({
        db,
        log: createLogger({ level: "error", write: () => {} }),
        settings: SETTINGS,
        organizationUrl: "http://127.0.0.1:9", // not called here
      });
      const ip = freshIp();
      const replicas = [h.deps, other];
      const waits: number[] = [];
      for (let i = 0; i < SETTINGS.registrationsPerIpPerHour; i++) {
        waits.push(await (replicas[i % 2]?.limits.registration.take(ip) ?? Promise.resolve(-1)));
      }
      expect(waits).toEqual(Array(SETTINGS.registrationsPerIpPerHour).fill(0));
      for (const replica of replicas) {
        expect(await replica.limits.registration.take(ip)).toBeGreaterThanOrEqual(1);
      }
      // Budgets are per address and per verb.
      expect(await other.limits.registration.take(freshIp())).toBe(0);
      expect(await other.limits.resetRequest.take(ip)).toBe(0);
    } finally {
      await db.close();
    }
  });

  test("reset requests are limited per address (5 here), known account or not, and say nothing more", async () => {
    const reg = await h.register("resetlimit");
    const ip = freshIp();
    const ask = (identifier: string) =>
      h.client({ ip }).passwordReset.request.mutate({ tenantSlug: reg.slug, identifier });
    for (const identifier of [
      "nobody@example.com",
      reg.email,
      "nobody@example.com",
      "x@example.com",
      reg.email,
    ]) {
      expect(await ask(identifier)).toEqual({ accepted: true });
    }
    for (const identifier of [reg.email, "nobody@example.com"]) {
      expect(await failure(ask(identifier))).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        appCode: "auth.reset.ip_limited",
      });
    }
    const bn = await failure(
      h.client({ ip, headers: { "accept-language": "bn" } }).passwordReset.request.mutate({
        tenantSlug: reg.slug,
        identifier: reg.email,
      }),
    );
    expect(bn.message).toMatch(/[\u0980-\u09FF]/);
  });
});
