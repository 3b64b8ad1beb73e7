// Crash safety: 2,000 state changes through organization's public procedures while the Kafka broker
// is stopped and started again and the audit service (a separate process) is killed with SIGKILL and
// restarted. Afterwards the audit log holds exactly one entry per change and every chain verifies.
// Runs its own broker, so the shared one is never disturbed.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { createCatalogTopics, withKafkaAdmin } from "@vextrus/events";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  type TestDatabase,
  type TestSigner,
} from "@vextrus/platform/testing";
import type { Subprocess } from "bun";
import postgres from "postgres";
import { repoRoot } from "../test-infra/process.ts";
import { type RestartableKafka, startRestartableKafka } from "./kafka-broker.ts";
import {
  callerFor,
  freePort,
  inParallel,
  organizationWorkload,
  PLATFORM_PERMISSIONS,
  waitUntil,
} from "./support.ts";

const CHANGES = 2_000;
const TENANTS = 4;
/** Pace of the workload: the outages must happen while changes are being made. */
const CHANGES_PER_SECOND = 100;

let kafka: RestartableKafka;
let signer: TestSigner;
let orgDb: TestDatabase;
let auditDb: TestDatabase;
let orgSql: postgres.Sql;
let auditSql: postgres.Sql;
let auditProcess: Subprocess | undefined;
const auditPort = freePort();
const auditUrl = `http://127.0.0.1:${auditPort}`;
const timeline: string[] = [];
const started = performance.now();
const mark = (what: string) =>
  timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s  ${what}`);

async function startAuditProcess() {
  auditProcess = Bun.spawn([process.execPath, join(repoRoot, "services/audit/src/main.ts")], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: auditDb.url,
      KAFKA_BROKERS: kafka.brokers,
      PORT: String(auditPort),
      JWT_PUBLIC_KEY: signer.publicKey,
      LOG_LEVEL: process.env.CRASH_AUDIT_LOG_LEVEL ?? "error",
    },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "inherit",
  });
  const up = await waitUntil(
    async () => (await fetch(`${auditUrl}/health/live`).catch(() => undefined))?.ok === true,
    30_000,
  );
  if (!up) {
    throw new Error("the audit service did not start");
  }
}

beforeAll(async () => {
  kafka = await startRestartableKafka();
  mark(`broker up at ${kafka.brokers}`);
  await withKafkaAdmin([kafka.brokers], (admin) =>
    createCatalogTopics(admin, { partitions: 3, replicationFactor: 1 }),
  );
  signer = await createTestSigner();
  orgDb = await createTestDatabase("crash_org");
  auditDb = await createTestDatabase("crash_audit");
  orgSql = postgres(orgDb.url, { max: 2, onnotice: () => {} });
  auditSql = postgres(auditDb.url, { max: 2, onnotice: () => {} });
  await startAuditProcess();
  mark("audit service up");
}, 120_000);

afterAll(async () => {
  auditProcess?.kill("SIGKILL");
  await auditProcess?.exited;
  await kafka?.destroy();
  await orgSql?.end();
  await auditSql?.end();
  await orgDb?.drop();
  await auditDb?.drop();
  console.log(`crash scenario timeline:\n  ${timeline.join("\n  ")}`);
}, 60_000);

test(`${CHANGES} changes survive a broker outage and an audit crash: 0 lost, 0 duplicated`, async () => {
  const logLines: string[] = [];
  const log = createLogger({ level: "warn", write: (line) => logLines.push(line) });
  const organization = await bootOrganization(
    OrganizationEnv.parse({
      DATABASE_URL: orgDb.url,
      KAFKA_BROKERS: kafka.brokers,
      PORT: String(freePort()),
      JWT_PUBLIC_KEY: signer.publicKey,
    }),
    { log },
  );
  const disruptions: Promise<void>[] = [];
  try {
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const tenants = await Promise.all(
      Array.from({ length: TENANTS }, async (_, i) => {
        const tenant = await callerFor(organization.url, operator).mutate<{ id: string }>("tenants.create", {
          slug: `crash-${i}-${Bun.randomUUIDv7().slice(-8)}`,
          legalName: `Crash ${i} Ltd`,
        });
        return {
          id: tenant.id,
          token: await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] }),
        };
      }),
    );
    const ids = tenants.map((t) => t.id);
    let made = TENANTS;
    const delayMs = (1000 * TENANTS) / CHANGES_PER_SECOND;
    mark("workload starts");
    await inParallel(tenants, TENANTS, async (tenant) => {
      await organizationWorkload(callerFor(organization.url, tenant.token), CHANGES / TENANTS, async () => {
        made++;
        if (made === 400) {
          disruptions.push(
            (async () => {
              mark(`stopping the broker after ${made} changes`);
              await kafka.stop();
              mark("broker stopped");
              await Bun.sleep(5_000);
              await kafka.start();
              mark("broker started again");
            })(),
          );
        }
        if (made === 1_300) {
          disruptions.push(
            (async () => {
              mark(`killing the audit service (SIGKILL) after ${made} changes`);
              auditProcess?.kill("SIGKILL");
              await auditProcess?.exited;
              await Bun.sleep(1_000);
              await startAuditProcess();
              mark("audit service restarted");
            })(),
          );
        }
        await Bun.sleep(delayMs);
      });
    });
    mark(`workload done: ${made} changes`);
    await Promise.all(disruptions);

    const [changes] =
      await orgSql`select count(*)::int as n from organization.outbox where tenant_id = any(${ids})`;
    const total = changes?.n ?? 0;
    expect(total).toBe(made);
    const drained = await waitUntil(async () => {
      const [row] =
        await auditSql`select count(*)::int as n from audit.log_entries where tenant_id = any(${ids})`;
      return (row?.n ?? 0) >= total;
    }, 120_000);
    mark("audit log caught up");
    if (!drained) {
      // What the organization service (relay) and the audit consumer were doing, for the CI log.
      const metrics = await fetch(`${auditUrl}/metrics`).then((r) => r.text(), String);
      const [unsent] =
        await orgSql`select count(*)::int as n from organization.outbox where sent_at is null and tenant_id = any(${ids})`;
      const [inLog] =
        await auditSql`select count(*)::int as n from audit.log_entries where tenant_id = any(${ids})`;
      console.error(
        [
          `outbox rows not yet published: ${unsent?.n}; audit entries: ${inLog?.n} of ${total}`,
          "organization warnings:",
          ...logLines.slice(-30),
          "audit consumer metrics:",
          ...metrics
            .split("\n")
            .filter((l) => /^vextrus_events_(failed|dead|duplicates|handled|consumer_lag)/.test(l)),
        ].join("\n"),
      );
    }
    expect(drained).toBe(true);

    const outboxIds = (await orgSql`select id from organization.outbox where tenant_id = any(${ids})`).map(
      (row) => row.id as string,
    );
    const [recorded] = await auditSql`
      select count(*)::int as n, count(distinct event_id)::int as distinct_n,
             count(*) filter (where event_id <> all(${outboxIds}))::int as strangers
      from audit.log_entries where tenant_id = any(${ids})`;
    const lost = total - (recorded?.distinct_n ?? 0);
    const duplicated = (recorded?.n ?? 0) - (recorded?.distinct_n ?? 0);
    mark(`lost ${lost}, duplicated ${duplicated}`);
    expect({ lost, duplicated, strangers: recorded?.strangers }).toEqual({
      lost: 0,
      duplicated: 0,
      strangers: 0,
    });
    for (const tenant of tenants) {
      const token = await signer.sign({ tenantId: tenant.id, permissions: ["audit:event:read"] });
      const result = await callerFor(auditUrl, token).query<{ ok: boolean; checked: number }>("verify", {});
      expect(result.ok).toBe(true);
    }
    const metrics = await (await fetch(`${auditUrl}/metrics`)).text();
    const skipped = /vextrus_events_duplicates_skipped_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? "0";
    mark(`redelivered events skipped by the restarted audit service: ${skipped}`);
  } finally {
    await Promise.allSettled(disruptions);
    for (const part of organization.parts) {
      await part.stop();
    }
  }
  // 480 s: the workload (~35 s quiet), a broker restart that may take up to 180 s on a loaded machine
  // (see kafka-broker.ts) and draining (up to 120 s). CI machines can be several times slower.
}, 480_000);
