/**
 * The per-tenant budget across gateway replicas: with RATE_LIMIT_TENANT_SHARED its tokens live in
 * PostgreSQL (`gateway.rate_buckets`), so two gateways in front of the same services admit what one
 * would; without it each replica has its own bucket (documented as per-replica). Real organization
 * service, real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger, createTokenVerifier, listen, type TokenVerifier } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import { createGateway } from "../src/app.ts";
import { openGatewayDatabase } from "../src/db/index.ts";
import { sharedBuckets } from "../src/db/shared-buckets.ts";
import { GatewayEnv } from "../src/env.ts";
import { createTestSigner, type RunningService, startOrganization, type TestSigner } from "./harness.ts";

let signer: TestSigner;
let verifyToken: TokenVerifier;
let org: RunningService;
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  signer = await createTestSigner();
  verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  org = await startOrganization("shared_limits", { signer });
  testDb = await createTestDatabase("gw_shared_limits");
  const opened = await openGatewayDatabase({ DATABASE_URL: testDb.url });
  if (!opened) {
    throw new Error("no gateway database");
  }
  db = opened;
}, 60_000);

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
  await org?.stop();
});

const BURST = 6;

function twoGateways(shared: boolean) {
  return [1, 2].map(() => {
    const app = createGateway({
      services: { organization: org.url },
      log: createLogger({ level: "error", write: () => {} }),
      // A slow refill: the burst is the budget of the test.
      rateLimits: { tenant: { perSecond: 0.01, burst: BURST }, ip: { perSecond: 0, burst: 0 } },
      verifyToken,
      sharedTenantBuckets: shared ? sharedBuckets(db) : undefined,
    });
    const server = listen(app, 0, "gateway");
    return { url: server.url, stop: () => server.stop() };
  });
}

async function statusOf(gatewayUrl: string, token: string) {
  const input = encodeURIComponent(JSON.stringify({ json: {} }));
  const res = await fetch(`${gatewayUrl}/trpc/organization.companies.list?input=${input}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get("retry-after") };
}

describe("a tenant's budget across two gateway replicas", () => {
  test("shared: the two together admit one burst, then refuse the tenant at either (429, Retry-After); other tenants pass", async () => {
    const gateways = twoGateways(true);
    try {
      const token = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
      const statuses: number[] = [];
      for (let i = 0; i < BURST; i++) {
        statuses.push((await statusOf(gateways[i % 2]?.url ?? "", token)).status);
      }
      expect(statuses.filter((status) => status === 429)).toEqual([]);
      for (const gateway of gateways) {
        const refused = await statusOf(gateway.url, token);
        expect(refused.status).toBe(429);
        expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      const other = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
      expect((await statusOf(gateways[1]?.url ?? "", other)).status).not.toBe(429);
    } finally {
      for (const gateway of gateways) {
        await gateway.stop();
      }
    }
  });

  test("per replica (the default): each gateway has its own bucket, so two admit two bursts", async () => {
    const gateways = twoGateways(false);
    try {
      const token = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["organization:*"] });
      const statuses: number[] = [];
      for (let i = 0; i < BURST * 2; i++) {
        statuses.push((await statusOf(gateways[i % 2]?.url ?? "", token)).status);
      }
      expect(statuses.filter((status) => status === 429)).toEqual([]);
      expect((await statusOf(gateways[0]?.url ?? "", token)).status).toBe(429);
    } finally {
      for (const gateway of gateways) {
        await gateway.stop();
      }
    }
  });

  test("RATE_LIMIT_TENANT_SHARED needs DATABASE_URL", () => {
    expect(GatewayEnv.safeParse({ RATE_LIMIT_TENANT_SHARED: "true" }).success).toBe(false);
    const parsed = GatewayEnv.parse({
      RATE_LIMIT_TENANT_SHARED: "true",
      DATABASE_URL: "postgres://x@db/vextrus",
    });
    expect(parsed.RATE_LIMIT_TENANT_SHARED).toBe(true);
  });
});
