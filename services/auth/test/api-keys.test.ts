import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError, createTokenVerifier } from "@vextrus/platform";
import { type AuthHarness, failure, startAuth } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("apikeys");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

describe("API keys", () => {
  test("a key is shown once, stored hashed, and carries exactly its scoped permissions at auth and at organization", async () => {
    const reg = await h.register("keys");
    const created = await reg.api.apiKeys.create.mutate({
      name: "ERP sync robot",
      permissions: ["organization:company:read", "auth:user:read"],
      expiresInDays: 30,
    });
    expect(created.key).toMatch(/^vx_[0-9a-f]{128}$/);
    expect(created.apiKey.prefix).toBe(created.key.slice(0, 15));
    const listed = await reg.api.apiKeys.list.query();
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const [stored] =
      await h.authSql`select secret_hash, permissions from auth.api_keys where id = ${created.apiKey.id}`;
    expect(stored?.secret_hash).not.toContain(created.key.slice(20));
    expect(stored?.permissions).toEqual(["auth:user:read", "organization:company:read"]);
    const outbox = await h.authSql`select event from auth.outbox where key = ${created.apiKey.id}`;
    expect(JSON.stringify(outbox)).not.toContain(created.key);

    const robot = h.client({ token: created.key });
    expect((await robot.users.list.query()).items.map((u) => u.id)).toEqual([reg.user.id]);
    expect((await failure(robot.roles.list.query())).code).toBe("FORBIDDEN");
    expect(
      (await failure(robot.apiKeys.create.mutate({ name: "child", permissions: ["auth:user:read"] }))).code,
    ).toBe("FORBIDDEN");
    expect((await failure(robot.me.query())).code).toBe("FORBIDDEN");

    // Organization checks the key with auth (the platform verifier) and applies the same scope.
    const orgRobot = h.organization(created.key);
    expect((await orgRobot.companies.list.query({})).items).toEqual([]);
    expect((await failure(orgRobot.companies.create.mutate({ name: "Nope Ltd" }))).code).toBe("FORBIDDEN");
    expect((await failure(orgRobot.tenants.get.query())).code).toBe("FORBIDDEN");
  });

  test("a key cannot hold more than its creator, nor any platform permission", async () => {
    const reg = await h.register("scope");
    for (const permissions of [
      ["platform:tenant:create"],
      ["*"],
      ["organization:company:read", "nonsense"],
    ]) {
      const refused = await failure(reg.api.apiKeys.create.mutate({ name: "too much", permissions }));
      expect(refused.httpStatus).toBe(400);
      expect(refused.issues[0]?.path).toMatch(/^permissions\.\d+$/);
    }
    const roles = await reg.api.roles.list.query();
    const viewer = roles.find((r) => r.name === "viewer");
    const keyMaker = await reg.api.roles.create.mutate({
      name: "key maker",
      permissions: ["auth:api_key:create", "organization:company:read"],
    });
    if (!viewer) {
      throw new Error("no viewer");
    }
    const email = `km-${Bun.randomUUIDv7().slice(-6)}@example.com`;
    const invited = await reg.api.users.invite.mutate({ name: "Key Maker", email, roleIds: [keyMaker.id] });
    const password = `River-Boat-Lantern-${Bun.randomUUIDv7().slice(-4)}`;
    await h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password });
    const login = await h.client().login.mutate({ tenantSlug: reg.slug, identifier: email, password });
    const maker = h.client({ token: login.accessToken });
    const refused = await failure(
      maker.apiKeys.create.mutate({ name: "escalate", permissions: ["organization:*"] }),
    );
    expect(refused.issues[0]?.path).toBe("permissions.0");
    const ok = await maker.apiKeys.create.mutate({
      name: "fine",
      permissions: ["organization:company:read"],
    });
    expect(ok.apiKey.permissions).toEqual(["organization:company:read"]);
  });

  test("a revoked key is refused at once, by auth and by organization", async () => {
    const reg = await h.register("revoke");
    const created = await reg.api.apiKeys.create.mutate({
      name: "soon gone",
      permissions: ["organization:company:read"],
    });
    expect(
      (await h
        .client({ token: created.key })
        .users.list.query()
        .catch((e: Error) => e)) instanceof Error,
    ).toBe(true);
    await reg.api.apiKeys.revoke.mutate({ id: created.apiKey.id });
    expect((await failure(h.client({ token: created.key }).apiKeys.list.query())).code).toBe("UNAUTHORIZED");
    expect((await failure(h.organization(created.key).companies.list.query({}))).code).toBe("UNAUTHORIZED");
    const events =
      await h.authSql`select event->>'type' as type from auth.outbox where key = ${created.apiKey.id} order by id`;
    expect(events.map((e) => e.type)).toEqual([
      "vextrus.auth.api_key.created",
      "vextrus.auth.api_key.revoked",
    ]);
  });

  test("deactivating a user revokes the keys they created, and only theirs", async () => {
    const reg = await h.register("owner");
    const keyMaker = await reg.api.roles.create.mutate({
      name: "integrator",
      permissions: ["auth:api_key:create", "auth:user:read"],
    });
    const email = `int-${Bun.randomUUIDv7().slice(-6)}@example.com`;
    const invited = await reg.api.users.invite.mutate({ name: "Integrator", email, roleIds: [keyMaker.id] });
    const password = `Tea-Garden-Monsoon-${Bun.randomUUIDv7().slice(-4)}`;
    await h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password });
    const login = await h.client().login.mutate({ tenantSlug: reg.slug, identifier: email, password });
    const theirs = await h
      .client({ token: login.accessToken })
      .apiKeys.create.mutate({ name: "their sync", permissions: ["auth:user:read"] });
    const admins = await reg.api.apiKeys.create.mutate({ name: "admin's", permissions: ["auth:user:read"] });
    expect((await h.client({ token: theirs.key }).users.list.query()).items.length).toBe(2);

    await reg.api.users.deactivate.mutate({ id: invited.user.id, reason: "left the company" });

    expect((await failure(h.client({ token: theirs.key }).users.list.query())).code).toBe("UNAUTHORIZED");
    expect((await h.client({ token: admins.key }).users.list.query()).items.length).toBe(2);
    const keys = await reg.api.apiKeys.list.query();
    expect(keys.find((k) => k.id === theirs.apiKey.id)?.revokedAt).not.toBeNull();
    expect(keys.find((k) => k.id === admins.apiKey.id)?.revokedAt).toBeNull();
    const [event] = await h.authSql`
      select event->'data'->>'reason' as reason, event->>'actorid' as actor from auth.outbox
      where key = ${theirs.apiKey.id} and event->>'type' = 'vextrus.auth.api_key.revoked'`;
    expect(event).toEqual({ reason: "creator_deactivated", actor: reg.user.id });
  });

  test("a key's permissions are at most its creator's current ones: removing a role narrows it at once", async () => {
    const reg = await h.register("narrow");
    const integrator = await reg.api.roles.create.mutate({
      name: "integrator",
      permissions: ["auth:api_key:create", "auth:user:read", "organization:*"],
    });
    const reader = await reg.api.roles.create.mutate({
      name: "company reader",
      permissions: ["organization:company:read"],
    });
    const email = `nar-${Bun.randomUUIDv7().slice(-6)}@example.com`;
    const invited = await reg.api.users.invite.mutate({
      name: "Integrator",
      email,
      roleIds: [integrator.id, reader.id],
    });
    const password = `Tea-Garden-Monsoon-${Bun.randomUUIDv7().slice(-4)}`;
    await h.client().invites.accept.mutate({ token: h.invitationToken(invited.user.id), password });
    const login = await h.client().login.mutate({ tenantSlug: reg.slug, identifier: email, password });
    const created = await h
      .client({ token: login.accessToken })
      .apiKeys.create.mutate({ name: "sync", permissions: ["auth:user:read", "organization:*"] });
    const introspect = async () =>
      (
        await fetch(`${h.authUrl}/api-keys/introspect`, {
          method: "POST",
          headers: { authorization: `Bearer ${created.key}` },
        })
      ).json();
    const robot = h.client({ token: created.key });
    expect((await robot.users.list.query()).items.length).toBe(2);
    expect(await introspect()).toMatchObject({ permissions: ["auth:user:read", "organization:*"] });

    // The creator loses the integrator role: the key keeps only what the creator still holds.
    await reg.api.users.assignRoles.mutate({ userId: invited.user.id, roleIds: [reader.id] });
    expect(await introspect()).toMatchObject({ active: true, permissions: ["organization:company:read"] });
    expect((await failure(robot.users.list.query())).code).toBe("FORBIDDEN");
    // The key as stored is unchanged: giving the role back restores it.
    await reg.api.users.assignRoles.mutate({ userId: invited.user.id, roleIds: [integrator.id] });
    expect(await introspect()).toMatchObject({ permissions: ["auth:user:read", "organization:*"] });
    await reg.api.users.assignRoles.mutate({ userId: invited.user.id, roleIds: [] });
    expect(await introspect()).toMatchObject({ active: true, permissions: [] });
    expect((await failure(robot.users.list.query())).code).toBe("FORBIDDEN");
  });

  test("an expired key is refused", async () => {
    const reg = await h.register("expire");
    const created = await reg.api.apiKeys.create.mutate({
      name: "short lived",
      permissions: ["organization:company:read"],
      expiresInDays: 1,
    });
    expect((await h.organization(created.key).companies.list.query({})).items).toEqual([]);
    h.clock.advanceMinutes(24 * 60 + 1);
    try {
      expect((await failure(h.client({ token: created.key }).apiKeys.list.query())).code).toBe(
        "UNAUTHORIZED",
      );
    } finally {
      h.clock.reset();
    }
  });

  test("introspection: a forged, truncated or unknown key is inactive (401), never an error", async () => {
    const reg = await h.register("intro");
    const created = await reg.api.apiKeys.create.mutate({ name: "real", permissions: ["auth:user:read"] });
    const forged = `${created.key.slice(0, -8)}deadbeef`;
    for (const key of [forged, created.key.slice(0, 40), "vx_", "vx_zz", `vx_${"0".repeat(128)}`]) {
      const res = await fetch(`${h.authUrl}/api-keys/introspect`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ active: false });
    }
    const res = await fetch(`${h.authUrl}/api-keys/introspect`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.key}` },
    });
    expect(await res.json()).toMatchObject({
      active: true,
      tenantId: reg.tenant.id,
      keyId: created.apiKey.id,
      permissions: ["auth:user:read"],
    });
  });

  test("when auth cannot be reached, another service answers UNAVAILABLE for a key — never lets it through", async () => {
    const reg = await h.register("unreach");
    const created = await reg.api.apiKeys.create.mutate({ name: "k", permissions: ["auth:user:read"] });
    const closed = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = closed.port;
    closed.stop(true);
    const verify = await createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: "vextrus-auth",
    });
    const refused = await verify(created.key).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).kind).toBe("UNAVAILABLE");
    // Pointed at auth, the same verifier accepts the key with exactly its permissions.
    const live = await createTokenVerifier({
      jwksUrl: `${h.authUrl}/.well-known/jwks.json`,
      issuer: "vextrus-auth",
    });
    expect(await live(created.key)).toMatchObject({
      tenantId: reg.tenant.id,
      userId: created.apiKey.id,
      apiKeyId: created.apiKey.id,
      permissions: ["auth:user:read"],
      sessionId: undefined,
    });
  });
});
