import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import {
  createTestDatabase,
  createTestSigner,
  startTcpProxy,
  type TestDatabase,
  type TestSigner,
} from "@vextrus/platform/testing";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { tenants } from "../src/db/schema.ts";
import { PLATFORM_PERMISSIONS } from "./harness.ts";

let testDb: TestDatabase;
let proxy: ReturnType<typeof startTcpProxy>;
let db: Database;
let app: ReturnType<typeof createApp>;
let signer: TestSigner;
const logLines: string[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase("service");
  await migrateService({ url: testDb.url }, "organization", MIGRATIONS);
  const target = new URL(testDb.url);
  proxy = startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(testDb.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  db = postgresDatabase({ url: proxied.toString(), appRole: APP_ROLE });
  signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  app = createApp({ db, log: createLogger({ write: (line) => logLines.push(line) }), verifyToken });
});
afterAll(async () => {
  proxy.setMode("pass");
  // A query sent while PostgreSQL hung waits out its connect timeout (5 s) before the pool closes.
  await db.close();
  proxy.stop();
  await testDb.drop();
}, 15_000);

const get = (path: string, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`http://org.test${path}`, { headers }));

function trpcPost(path: string, input: unknown, headers: Record<string, string> = {}) {
  return app.fetch(
    new Request(`http://org.test/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(superjson.serialize(input)),
    }),
  );
}

describe("health", () => {
  test("/health/live, /health/ready and /health describe the service", async () => {
    expect((await get("/health/live")).status).toBe(200);
    const ready = await get("/health/ready");
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.postgres?.ok).toBe(
      true,
    );
    const health = (await (await get("/health")).json()) as Record<string, unknown>;
    expect(health.service).toBe("organization");
    expect(health.version).toBe("0.1.0");
    expect(typeof health.uptimeSeconds).toBe("number");
    expect(health.dependencies).toHaveProperty("postgres");
  });

  test("PostgreSQL going down turns readiness into 503 naming it; coming back recovers without a restart", async () => {
    proxy.setMode("down");
    const down = await get("/health/ready");
    expect(down.status).toBe(503);
    const body = (await down.json()) as { down: string[] };
    expect(body.down).toEqual(["postgres"]);
    expect((await get("/health/live")).status).toBe(200);
    proxy.setMode("pass");
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await get("/health/ready")).status;
      if (status !== 200) {
        await Bun.sleep(100);
      }
    }
    expect(status).toBe(200);
  });

  test("readiness answers within 2 s even when PostgreSQL hangs", async () => {
    proxy.setMode("hang");
    await get("/health/ready"); // the pooled connection notices it was dropped
    const started = performance.now();
    const res = await get("/health/ready");
    const elapsed = performance.now() - started;
    proxy.setMode("pass");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: { postgres: { error: string } } }).checks.postgres.error).toMatch(
      /no answer/,
    );
    expect(elapsed).toBeGreaterThan(1_000);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe("metrics", () => {
  test("/metrics has process metrics, the request histogram with low-cardinality labels, and business metrics", async () => {
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const created = await trpcPost(
      "tenants.create",
      { slug: `metrics-${Bun.randomUUIDv7().slice(-6)}`, legalName: "Metrics Ltd" },
      { authorization: `Bearer ${operator}` },
    );
    expect(created.status).toBe(200);
    await get("/trpc/no.such.procedure.xyz");
    const text = await (await get("/metrics")).text();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{[^}]*method="POST",route="\/trpc\/tenants.create",status="200"/,
    );
    expect(text).toContain('route="/trpc/(unknown)"');
    expect(text).not.toContain("no.such.procedure.xyz");
    expect(text).toMatch(/vextrus_organization_tenants\{[^}]*status="active"[^}]*\} [1-9]/);
    expect(text).toMatch(/vextrus_organization_tenants_created_total\{[^}]*\} 1/);
  });
});

describe("requests", () => {
  test("x-request-id is accepted, returned and logged with tenant, procedure, status and duration", async () => {
    const tenantId = Bun.randomUUIDv7();
    const token = await signer.sign({ tenantId, permissions: ["organization:*"] });
    const viaHeaders = await get(
      `/trpc/companies.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
      {
        "x-request-id": "req-abc-123",
        authorization: `Bearer ${token}`,
      },
    );
    expect(viaHeaders.headers.get("x-request-id")).toBe("req-abc-123");
    const line = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === "req-abc-123" && l.msg === "request");
    expect(line).toMatchObject({ tenant: tenantId, procedure: "companies.list", status: 403 });
    expect(typeof line?.durationMs).toBe("number");
    const generated = await get("/health/live");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const junk = await get("/health/live", { "x-request-id": "bad id with spaces\n" });
    expect(junk.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("bad input is a 400 naming each field, in English or Bengali, with no stack trace", async () => {
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const input = { slug: "X", legalName: "", bin: "12345" };
    const en = await trpcPost("tenants.create", input, { authorization: `Bearer ${operator}` });
    expect(en.status).toBe(400);
    const enBody = (await en.json()) as {
      error: { json: { message: string; data: Record<string, unknown> } };
    };
    const issues = enBody.error.json.data.issues as { path: string; code: string; message: string }[];
    expect(issues.map((i) => i.path).sort()).toEqual(["bin", "legalName", "slug"]);
    expect(issues.find((i) => i.path === "bin")?.code).toBe("bd.bin.length");
    expect(JSON.stringify(enBody)).not.toMatch(/stack|at \/|\.ts:/);
    const bn = await trpcPost("tenants.create", input, {
      authorization: `Bearer ${operator}`,
      "accept-language": "bn-BD,bn;q=0.9,en;q=0.5",
    });
    const bnBody = (await bn.json()) as {
      error: { json: { message: string; data: { issues: { path: string; message: string }[] } } };
    };
    // The top-level message names the first field and its problem, and counts the rest.
    const first = bnBody.error.json.data.issues[0];
    expect(bnBody.error.json.message).toBe(`${first?.path}: ${first?.message} (আরও ২টি সমস্যা)`);
    const firstEn = issues[0];
    expect(enBody.error.json.message).toBe(`${firstEn?.path}: ${firstEn?.message} (and 2 more)`);
    for (const issue of bnBody.error.json.data.issues) {
      expect(issue.message).toMatch(/[\u0980-\u09FF]/);
    }
    const stored = await db.privileged((tx) => tx.select().from(tenants).where(eq(tenants.legalName, "")));
    expect(stored).toEqual([]);
  });

  test("an unparsable body is a 400, an unknown procedure a 404, never a 500", async () => {
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const res = await app.fetch(
      new Request("http://org.test/trpc/tenants.create", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
        body: "{not json",
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("input.unparsable");
    expect((await get("/trpc/nope")).status).toBe(404);
    expect(await (await get("/trpc/nope")).text()).not.toContain("stack");
  });
});

describe("outage", () => {
  test("a call while PostgreSQL is down answers 503 UNAVAILABLE in both languages, and works once it is back", async () => {
    // Its own proxy, pool and app, so what the outage leaves behind cannot reach the other tests.
    const target = new URL(testDb.url);
    const own = startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(testDb.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(own.port);
    const ownDb = postgresDatabase({ url: proxied.toString(), appRole: APP_ROLE, reserveTimeoutMs: 2_000 });
    const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
    const ownApp = createApp({ db: ownDb, log: createLogger({ write: () => {} }), verifyToken });
    try {
      const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
      const created = await ownApp.fetch(
        new Request("http://org.test/trpc/tenants.create", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
          body: JSON.stringify(
            superjson.serialize({ slug: `outage-${Bun.randomUUIDv7().slice(-6)}`, legalName: "Outage Ltd" }),
          ),
        }),
      );
      const tenant = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data
        .json;
      const token = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] });
      const list = (locale: string) =>
        ownApp.fetch(
          new Request(
            `http://org.test/trpc/companies.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
            { headers: { authorization: `Bearer ${token}`, "accept-language": locale } },
          ),
        );
      expect((await list("en")).status).toBe(200);
      own.setMode("down");
      for (const locale of ["en", "bn"]) {
        const res = await list(locale);
        const text = await res.text();
        expect(res.status).toBe(503);
        expect(text).toContain("SERVICE_UNAVAILABLE");
        expect(text).toContain(locale === "bn" ? "ডাটাবেস" : "The database is not answering");
        expect(text).not.toMatch(/ECONNREFUSED|CONNECTION_|\s+at /);
      }
      own.setMode("pass");
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await list("en")).status;
        if (status !== 200) {
          await Bun.sleep(100);
        }
      }
      expect(status).toBe(200);
    } finally {
      own.setMode("pass");
      await ownDb.close();
      own.stop();
    }
  }, 30_000);
});
