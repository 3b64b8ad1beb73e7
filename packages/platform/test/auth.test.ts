import { afterAll, describe, expect, test } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { AppError, createTokenVerifier, hasPermission } from "../src/index.ts";

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" };
  const sign = (claims: Record<string, unknown>, expires: string | number = "5m") =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", kid })
      .setIssuer("vextrus-auth")
      .setSubject("user-1")
      .setExpirationTime(expires)
      .sign(privateKey);
  return { jwk, sign };
}

const tenant = "01a22a9c-13d6-7229-8b72-ced67c4a4ae0";
let published: { keys: unknown[] } = { keys: [] };
let fetches = 0;
const jwks = Bun.serve({
  port: 0,
  fetch() {
    fetches++;
    return Response.json(published);
  },
});
afterAll(() => jwks.stop(true));

describe("token verification against a JWKS URL", () => {
  test("verifies EdDSA tokens, picks up a rotated key, and refuses everything else", async () => {
    const first = await keyPair("k1");
    published = { keys: [first.jwk] };
    const verify = await createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${jwks.port}/`,
      issuer: "vextrus-auth",
      jwksCooldownMs: 100,
    });
    const principal = await verify(await first.sign({ tid: tenant, perms: ["organization:*"], sid: "s1" }));
    expect(principal).toEqual({
      tenantId: tenant,
      userId: "user-1",
      permissions: ["organization:*"],
      sessionId: "s1",
    });

    const second = await keyPair("k2");
    published = { keys: [first.jwk, second.jwk] };
    await Bun.sleep(150);
    const before = fetches;
    const rotated = await verify(await second.sign({ tid: tenant, perms: [] }));
    expect(rotated.tenantId).toBe(tenant);
    expect(fetches).toBe(before + 1);
    expect((await verify(await first.sign({ tid: tenant }))).userId).toBe("user-1");

    const stranger = await keyPair("k1");
    const refusal = { kind: "UNAUTHORIZED", code: "auth.token.invalid" };
    await expect(verify(await stranger.sign({ tid: tenant }))).rejects.toMatchObject(refusal);
    await expect(verify(await first.sign({ tid: tenant }, "-1m"))).rejects.toMatchObject(refusal);
    await expect(verify(await first.sign({ tid: "not-a-uuid" }))).rejects.toMatchObject(refusal);
    await expect(verify("not.a.token")).rejects.toMatchObject(refusal);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ tid: tenant, sub: "x", iss: "vextrus-auth" })).toString("base64url")}.`;
    await expect(verify(unsigned)).rejects.toMatchObject(refusal);
  });

  test("keys that cannot be fetched make the call UNAVAILABLE (try again), not the token invalid", async () => {
    const pair = await keyPair("down");
    let answer: () => Response | Promise<Response> = () => new Response("oops", { status: 500 });
    const auth = Bun.serve({ port: 0, fetch: () => answer() });
    try {
      const verify = await createTokenVerifier({
        jwksUrl: `http://127.0.0.1:${auth.port}/`,
        issuer: "vextrus-auth",
        jwksCooldownMs: 0,
      });
      const token = await pair.sign({ tid: tenant });
      const unavailable = { kind: "UNAVAILABLE", code: "auth.keys.unavailable" };
      await expect(verify(token)).rejects.toMatchObject(unavailable); // 500
      answer = () => new Response("<html>", { status: 200 });
      await expect(verify(token)).rejects.toMatchObject(unavailable); // not JSON
      answer = () => Response.json({ keys: [pair.jwk] });
      expect((await verify(token)).tenantId).toBe(tenant); // auth is back
      const other = await keyPair("other");
      await expect(verify(await other.sign({ tid: tenant }))).rejects.toMatchObject({
        kind: "UNAUTHORIZED",
      });
    } finally {
      auth.stop(true);
    }
    const closed = await createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${auth.port}/`,
      issuer: "vextrus-auth",
    });
    await expect(closed(await pair.sign({ tid: tenant }))).rejects.toMatchObject({
      kind: "UNAVAILABLE",
      text: { en: expect.stringContaining("signing keys"), bn: expect.stringContaining("কী") },
    });
  });

  test("a configured public key (JWK) works without a JWKS endpoint", async () => {
    const pair = await keyPair("solo");
    const verify = await createTokenVerifier({ publicKey: JSON.stringify(pair.jwk), issuer: "vextrus-auth" });
    expect((await verify(await pair.sign({ tid: tenant }))).tenantId).toBe(tenant);
  });
});

describe("verified-token cache", () => {
  test("a token verified once stays valid only until it expires", async () => {
    const pair = await keyPair("cache");
    const verify = await createTokenVerifier({ publicKey: JSON.stringify(pair.jwk), issuer: "vextrus-auth" });
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await pair.sign({ tid: tenant }, expiresAt);
    expect((await verify(token)).tenantId).toBe(tenant);
    expect((await verify(token)).tenantId).toBe(tenant);
    await Bun.sleep(expiresAt * 1000 - Date.now() + 50);
    await expect(verify(token)).rejects.toBeInstanceOf(AppError);
  });
});

describe("permissions", () => {
  test("exact, wildcard per entity, per service and global grants", () => {
    expect(hasPermission(["organization:company:create"], "organization:company:create")).toBe(true);
    expect(hasPermission(["organization:company:*"], "organization:company:create")).toBe(true);
    expect(hasPermission(["organization:*"], "organization:company:create")).toBe(true);
    expect(hasPermission(["*"], "platform:tenant:create")).toBe(true);
    expect(hasPermission(["organization:company:read"], "organization:company:create")).toBe(false);
    expect(hasPermission(["organization:*"], "platform:tenant:create")).toBe(false);
    expect(hasPermission(["organization:comp*"], "organization:company:create")).toBe(false);
    expect(hasPermission([], "organization:company:read")).toBe(false);
  });
});
