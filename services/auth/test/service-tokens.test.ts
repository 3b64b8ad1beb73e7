import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTokenVerifier } from "@vextrus/platform";
import { type AuthHarness, SERVICE_TOKEN_SECRET, startAuth } from "./harness.ts";

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuth("service_tokens");
}, 30_000);
afterAll(async () => {
  await h.stop();
}, 30_000);

const ask = (body: unknown, secret = SERVICE_TOKEN_SECRET) =>
  fetch(`${h.authUrl}/service-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /service-tokens (the scheduler's credential)", () => {
  test("with the shared secret: a one-minute token for that tenant, user and exactly those permissions", async () => {
    const tenantId = Bun.randomUUIDv7();
    const userId = Bun.randomUUIDv7();
    const response = await ask({
      tenantId,
      userId,
      permissions: ["workflow:task:escalate"],
      service: "scheduler",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { token, expiresInSeconds } = (await response.json()) as {
      token: string;
      expiresInSeconds: number;
    };
    expect(expiresInSeconds).toBe(60);
    const verify = await createTokenVerifier({
      jwksUrl: `${h.authUrl}/.well-known/jwks.json`,
      issuer: "vextrus-auth",
    });
    const principal = await verify(token);
    expect(principal).toMatchObject({ tenantId, userId, permissions: ["workflow:task:escalate"] });
  });

  test("a wrong or missing secret is 401; a bad body is 400; nothing is signed", async () => {
    const body = {
      tenantId: Bun.randomUUIDv7(),
      userId: Bun.randomUUIDv7(),
      permissions: [],
      service: "scheduler",
    };
    const wrong = await ask(body, `${SERVICE_TOKEN_SECRET}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('token":"');
    const none = await fetch(`${h.authUrl}/service-tokens`, { method: "POST", body: JSON.stringify(body) });
    expect(none.status).toBe(401);
    const bad = await ask({ ...body, tenantId: "not-a-uuid" });
    expect(bad.status).toBe(400);
    const otherService = await ask({ ...body, service: "gateway" });
    expect(otherService.status).toBe(400);
  });
});
