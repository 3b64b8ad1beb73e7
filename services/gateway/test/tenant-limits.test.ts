/**
 * A tenant's own gateway rate (configuration's `gateway.rateLimit.perSecond`, set by a platform
 * operator) replaces the gateway's default for that tenant only, and a change reaches the gateway
 * through its config cache's subscription. Real organization and configuration services.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createConfigReader } from "@vextrus/config/reader";
import { bootConfiguration } from "@vextrus/configuration/boot";
import { ConfigurationEnv } from "@vextrus/configuration/env";
import { createInProcessBus, type InProcessBus } from "@vextrus/events";
import { createLogger, createTokenVerifier, type Stoppable } from "@vextrus/platform";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import { configuredTenantLimits } from "../src/tenant-limits.ts";
import {
  createTestSigner,
  type RunningGateway,
  type RunningService,
  rawCall,
  registerTenant,
  startGateway,
  startOrganization,
  type TestSigner,
} from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });
let signer: TestSigner;
let bus: InProcessBus;
let org: RunningService;
let configDb: TestDatabase;
let configParts: Stoppable[] = [];
let configUrl: string;
let gateway: RunningGateway;
const reader = () =>
  createConfigReader({ url: configUrl, service: "gateway", log, transport: bus, timeoutMs: 1_000 });
let cache: ReturnType<typeof reader>;

beforeAll(async () => {
  signer = await createTestSigner();
  bus = createInProcessBus({ log });
  org = await startOrganization("tenant_limits", { signer });
  configDb = await createTestDatabase("gw_tenant_limits_config");
  const env = ConfigurationEnv.parse({ DATABASE_URL: configDb.url, JWT_PUBLIC_KEY: signer.publicKey });
  const config = await bootConfiguration({ ...env, PORT: 0 }, { log, bus });
  configParts = config.parts;
  configUrl = config.url;
  cache = reader();
  await cache.start();
  bus.start();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  gateway = startGateway(
    { organization: org.url, config: configUrl },
    {
      rateLimits: { tenant: { perSecond: 1000, burst: 1000 }, ip: { perSecond: 1000, burst: 1000 } },
      verifyToken,
      tenantLimits: configuredTenantLimits(cache, 1, log),
    },
  );
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await cache.stop();
  for (const part of configParts) {
    await Promise.race([part.stop(), Bun.sleep(1_000)]);
  }
  await configDb.drop();
  await org.stop();
  await Promise.race([bus.close(), Bun.sleep(1_000)]);
});

describe("per-tenant gateway limits from configuration", () => {
  test("a tenant with its own rate is held to it; others keep the default; a change applies", async () => {
    const [a, b] = await Promise.all([
      registerTenant(gateway, signer, "limited"),
      registerTenant(gateway, signer, "free"),
    ]);
    const tokenA = a.token;
    const tokenB = b.token;
    const operator = await signer.sign({
      tenantId: a.tenant.id,
      permissions: ["configuration:*", "platform:config:write"],
    });
    const asOperator = gateway.client({ token: operator });
    const list = (token: string) =>
      rawCall(gateway.url, "organization.companies.list", {
        search: `input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
        headers: { authorization: `Bearer ${token}` },
      });

    // Nothing set: the gateway's own default (1000/s) for everyone.
    for (let i = 0; i < 4; i++) {
      expect((await list(tokenA)).status).toBe(200);
    }
    await asOperator.config.set.mutate({
      key: "gateway.rateLimit.perSecond",
      scope: { level: "tenant" },
      value: 1,
      expectedVersion: 0,
    });
    // The change event reaches the gateway's cache; then A has 1/s with a burst of 2.
    await Bun.sleep(500);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await list(tokenA)).status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 6; i++) {
      expect((await list(tokenB)).status).toBe(200);
    }
    // The operator's own call counts against A's budget too: wait for it to refill.
    await Bun.sleep(2_100);
    await asOperator.config.set.mutate({
      key: "gateway.rateLimit.perSecond",
      scope: { level: "tenant" },
      value: 5000,
      expectedVersion: 1,
    });
    await Bun.sleep(1_100);
    for (let i = 0; i < 6; i++) {
      expect((await list(tokenA)).status).toBe(200);
    }
  });
});
