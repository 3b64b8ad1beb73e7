/**
 * The embedded default: the same worker on PGlite (one connection, shared by every service of
 * `npm start`), where FOR UPDATE SKIP LOCKED, the advisory try-lock and the three transactions of a
 * run (claim, none while the target runs, record) must work without waiting on themselves.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { PGlite } from "@electric-sql/pglite";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, pgliteDatabase } from "@vextrus/platform/db";
import { openPglite } from "@vextrus/platform/pglite";
import { createTestSigner } from "@vextrus/platform/testing";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { createWorker } from "../src/domain/worker.ts";
import { clientFor, TestClock } from "./harness.ts";

let pglite: PGlite;
let db: Database;

beforeAll(async () => {
  pglite = await openPglite();
  await migrateService({ pglite }, "scheduler", MIGRATIONS);
  db = pgliteDatabase({ client: pglite, appRole: APP_ROLE });
}, 60_000);
afterAll(async () => {
  await pglite.close();
});

test("on PGlite: two replicas run 40 due jobs of 4 tenants exactly once, with the run history", async () => {
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const clock = new TestClock();
  const log = createLogger({ level: "error", write: () => {} });
  const noTenants = async () => ({ ids: [], nextCursor: null });
  const { app, deps } = createApp({ db, log, verifyToken, clock: clock.read, tenants: noTenants });
  const tenants = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const tenantId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId: Bun.randomUUIDv7(), permissions: ["scheduler:*"] });
      return { tenantId, api: clientFor(app, token) };
    }),
  );
  const runAt = new Date(clock.read().getTime() + 1_000).toISOString();
  for (const t of tenants) {
    for (let i = 0; i < 10; i++) {
      await t.api.jobs.create.mutate({
        name: `job ${i}`,
        schedule: { kind: "once", runAt },
        target: { kind: "event", data: { i } },
      });
    }
  }
  clock.advance(1_000);
  const replica = () =>
    createWorker({
      db,
      clock: clock.read,
      log,
      metrics: deps.metrics,
      gatewayUrl: "http://127.0.0.1:9",
      credentials: () => Promise.reject(new Error("no procedure jobs here")),
      pollMs: 10,
      concurrency: 8,
      tenantConcurrency: 3,
    });
  const workers = [replica(), replica()];
  for (let round = 0; round < 20; round++) {
    await Promise.all(workers.map((w) => w.tick()));
    await Promise.all(workers.map((w) => w.drain()));
  }
  for (const t of tenants) {
    const runs = await t.api.runs.list.query({ limit: 100 });
    expect(runs.items).toHaveLength(10);
    expect(runs.items.every((r) => r.status === "succeeded" && r.attempt === 1)).toBe(true);
    expect(new Set(runs.items.map((r) => r.jobId)).size).toBe(10);
  }
  const fired = await pglite.query<{ n: number }>(
    "select count(*)::int as n from scheduler.outbox where event->>'type' = 'vextrus.scheduler.job.fired'",
  );
  expect(fired.rows[0]?.n).toBe(40);
}, 60_000);
