import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeProtectedHeader } from "jose";
import { ACTIVATION_SECONDS } from "../src/domain/signing-keys.ts";
import { signServiceToken } from "../src/domain/tokens.ts";
import { type AuthHarness, failure, startAuth } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("signing");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

const jwks = async () =>
  ((await (await fetch(`${h.authUrl}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] })
    .keys;

describe("JWKS and key rotation", () => {
  test("the JWKS publishes the signing key's public half with its kid (never the private part)", async () => {
    const reg = await h.register("jwks");
    const keys = await jwks();
    const { kid, alg } = decodeProtectedHeader(reg.accessToken);
    expect(alg).toBe("EdDSA");
    const published = keys.find((k) => k.kid === kid);
    expect(published).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(JSON.stringify(keys)).not.toContain('"d"');
  });

  test("only a platform operator may rotate; a tenant admin is FORBIDDEN", async () => {
    const reg = await h.register("norotate");
    expect((await failure(reg.api.signingKeys.rotate.mutate())).code).toBe("FORBIDDEN");
  });

  test("after rotation old tokens still verify; the new key signs once published long enough, and is then accepted at once", async () => {
    const reg = await h.register("rotate");
    const before = decodeProtectedHeader(reg.accessToken).kid;
    expect((await h.organization(reg.accessToken).tenants.get.query()).id).toBe(reg.tenant.id);

    const operator = await signServiceToken(h.deps, reg.tenant.id, ["platform:signing_key:rotate"]);
    const rotated = await h.client({ token: operator }).signingKeys.rotate.mutate();
    expect(rotated.previousKid).toBe(before ?? null);
    expect(rotated.kid).not.toBe(before);
    const kids = (await jwks()).map((k) => k.kid);
    expect(kids).toContain(rotated.kid);
    expect(kids).toContain(before);

    // The old token still works everywhere until it expires.
    expect((await h.organization(reg.accessToken).tenants.get.query()).id).toBe(reg.tenant.id);
    expect((await reg.api.me.query()).user.id).toBe(reg.user.id);

    // The new key is published at once but signs only after ACTIVATION_SECONDS: until then logins
    // still get the previous key, which every service knows.
    const login = () =>
      h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password });
    const meanwhile = await login();
    expect(decodeProtectedHeader(meanwhile.accessToken).kid).toBe(before);
    expect((await h.organization(meanwhile.accessToken).tenants.get.query()).id).toBe(reg.tenant.id);

    // Past the activation delay (in real time too: the harness's organization has a 0.5 s JWKS
    // cooldown standing in for the default 5 s), the first token of the new key is accepted at once.
    h.clock.advanceMinutes(ACTIVATION_SECONDS / 60 + 0.01);
    await Bun.sleep(600);
    const fresh = await login();
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(rotated.kid);
    expect((await h.organization(fresh.accessToken).tenants.get.query()).id).toBe(reg.tenant.id);

    const events = await h.authSql`select event from auth.outbox where topic = 'vextrus.auth.signing_key'`;
    expect(events.map((e) => (e.event as { data: { kid: string } }).data.kid)).toContain(rotated.kid);
    expect(JSON.stringify(events)).not.toContain("aesgcm");

    // Once every token of the old key has expired, the JWKS stops publishing it.
    h.clock.advanceMinutes(17);
    try {
      await h.deps.keys.reload();
      const later = (await jwks()).map((k) => k.kid);
      expect(later).toContain(rotated.kid);
      expect(later).not.toContain(before);
    } finally {
      h.clock.reset();
      await h.deps.keys.reload();
    }
  }, 30_000);
});
