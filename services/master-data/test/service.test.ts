/**
 * The service as operators see it: health, readiness naming a failed dependency, metrics with its
 * business counters, one JSON log line per request, and the service started alone from its main.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, type Database, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, type TestDatabase } from "@vextrus/platform/testing";
import { createApp } from "../src/app.ts";
import { type MdHarness, startMasterData } from "./harness.ts";

let h: MdHarness;
beforeAll(async () => {
  h = await startMasterData("service");
}, 30_000);
afterAll(async () => {
  await h.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  Promise.resolve(h.app.fetch(new Request(`http://master-data.test${path}`, { headers })));

describe("health, metrics and logs", () => {
  test("/health, /health/live and /health/ready describe the service and its PostgreSQL", async () => {
    expect((await get("/health/live")).status).toBe(200);
    const ready = await get("/health/ready");
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.postgres?.ok).toBe(
      true,
    );
    const health = (await (await get("/health")).json()) as Record<string, unknown>;
    expect(health.service).toBe("master-data");
    expect(health.dependencies).toHaveProperty("postgres");
  });

  test("readiness is 503 naming postgres when the database cannot be reached", async () => {
    // A pool on a port nothing listens on: the same app, its PostgreSQL down.
    const down: Database = postgresDatabase({
      url: "postgres://postgres@127.0.0.1:1/none",
      appRole: APP_ROLE,
    });
    try {
      const app = createApp({ db: down, log: createLogger({ write: () => {} }), verifyToken: undefined });
      const res = await app.fetch(new Request("http://master-data.test/health/ready"));
      expect(res.status).toBe(503);
      expect(((await res.json()) as { down: string[] }).down).toEqual(["postgres"]);
    } finally {
      await down.close();
    }
  });

  test("/metrics counts records created by entity and numbers issued; each request is one JSON log line", async () => {
    const t = await h.newTenant();
    await t.api.parties.create.mutate({ name: "Metric Traders", roles: ["supplier"] });
    const companyId = Bun.randomUUIDv7();
    await t.api.series.create.mutate({ companyId, key: "PO", name: "PO", pattern: "PO/{FY}/{SEQ}" });
    await t.api.series.next.mutate({ companyId, key: "PO" });
    await t.api.series.next.mutate({ companyId, key: "PO" });
    const text = await (await get("/metrics")).text();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toMatch(/vextrus_master_data_records_created_total\{entity="party"[^}]*\} [1-9]/);
    expect(text).toMatch(/vextrus_master_data_records_created_total\{entity="series"[^}]*\} [1-9]/);
    expect(text).toMatch(/vextrus_master_data_series_numbers_issued_total\{[^}]*\} [2-9]/);
    expect(text).not.toContain(t.tenantId);
    const lines = h.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === "request" && line.tenant === t.tenantId);
    expect(lines.map((line) => line.procedure)).toEqual([
      "parties.create",
      "series.create",
      "series.next",
      "series.next",
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ status: 200 });
      expect(typeof line.requestId).toBe("string");
      expect(typeof line.durationMs).toBe("number");
    }
  });
});

describe("alone", () => {
  let db: TestDatabase;
  let child: ReturnType<typeof Bun.spawn> | undefined;
  afterAll(async () => {
    child?.kill("SIGKILL");
    await db?.drop();
  });

  test("`bun services/master-data/src/main.ts` migrates, serves a signed-in call and stops cleanly on SIGTERM", async () => {
    db = await createTestDatabase("alone");
    const signer = await createTestSigner();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    child = Bun.spawn([process.execPath, join(import.meta.dir, "..", "src", "main.ts")], {
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: db.url,
        JWT_PUBLIC_KEY: signer.publicKey,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
      },
      stdout: "ignore",
      stderr: "inherit",
    });
    const url = `http://127.0.0.1:${port}`;
    let ready = 0;
    for (let i = 0; i < 300 && ready !== 200; i++) {
      ready = (await fetch(`${url}/health/ready`).catch(() => undefined))?.status ?? 0;
      if (ready !== 200) {
        await Bun.sleep(200);
      }
    }
    expect(ready).toBe(200);
    const token = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: ["master-data:*"] });
    const input = encodeURIComponent(JSON.stringify({ json: {} }));
    const auth = { authorization: `Bearer ${token}` };
    // A procedure that needs the migrated tables, as the service's own role.
    const res = await fetch(`${url}/trpc/parties.list?input=${input}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { data: { json: { items: [], nextCursor: null } } } });
    expect((await fetch(`${url}/trpc/parties.list?input=${input}`)).status).toBe(401);
    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    child = undefined;
  }, 90_000);
});
