// Publish → consume through the real broker, for every service that produces events: each service
// runs as it does in production (its own database, its relay publishing its outbox), the audit
// service consumes, and every event in the producer's outbox ends up in the audit log exactly once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Booted, bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { createCatalogTopics, kafkaTransport, type Transport, withKafkaAdmin } from "@vextrus/events";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, type Logger } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  kafkaBrokers,
  type TestDatabase,
  type TestSigner,
} from "@vextrus/platform/testing";
import postgres from "postgres";
import { callerFor, freePort, organizationWorkload, PLATFORM_PERMISSIONS, waitUntil } from "./support.ts";

type Shared = { log: Logger; bus: Transport };
type Env = Record<string, string>;

/** A service that publishes events: how to boot it and how to make it change some state. */
interface Producer {
  name: string;
  /** Its database schema (where its outbox lives). */
  schema: string;
  boot(env: Env, shared: Shared): Promise<Booted>;
  /** Makes state changes through the public API; returns the tenants they belong to. */
  exercise(url: string, signer: TestSigner): Promise<string[]>;
}

const PRODUCERS: Producer[] = [
  {
    name: "organization",
    schema: "organization",
    boot: (env, shared) => bootOrganization(OrganizationEnv.parse(env), shared),
    async exercise(url, signer) {
      const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
      const tenant = await callerFor(url, operator).mutate<{ id: string }>("tenants.create", {
        slug: `pipeline-${Bun.randomUUIDv7().slice(-8)}`,
        legalName: "Pipeline Builders Ltd",
      });
      const token = await signer.sign({ tenantId: tenant.id, permissions: ["organization:*"] });
      await organizationWorkload(callerFor(url, token), 40);
      await callerFor(url, operator).mutate("tenants.suspend", { tenantId: tenant.id });
      await callerFor(url, operator).mutate("tenants.activate", { tenantId: tenant.id });
      return [tenant.id];
    },
  },
  // When auth publishes: { name: "auth", schema: "auth", boot: (env, shared) => bootAuth(AuthEnv.parse(env), shared), exercise: … },
];

const prefix = `t-pipeline-${Bun.randomUUIDv7().slice(-8)}.`;
const logLines: string[] = [];
const log = createLogger({ level: "info", write: (line) => logLines.push(line) });
let signer: TestSigner;
let transport: Transport;
let topicNames: string[] = [];
let auditDb: TestDatabase;
let audit: Booted;
let auditSql: postgres.Sql;

const stopAll = async (booted: Booted) => {
  for (const part of booted.parts) {
    await part.stop();
  }
};

beforeAll(async () => {
  signer = await createTestSigner();
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1 }),
  );
  topicNames = created.map((t) => t.name);
  // Every service gets the same (prefixed) Kafka transport in place of its own.
  transport = kafkaTransport({ brokers: kafkaBrokers(), clientId: "pipeline", log, topicPrefix: prefix });
  auditDb = await createTestDatabase("pipeline_audit");
  auditSql = postgres(auditDb.url, { max: 2, onnotice: () => {} });
  audit = await bootAudit(
    AuditEnv.parse({ DATABASE_URL: auditDb.url, PORT: String(freePort()), JWT_PUBLIC_KEY: signer.publicKey }),
    { log, bus: transport },
  );
}, 60_000);

afterAll(async () => {
  await stopAll(audit);
  await auditSql.end();
  await auditDb.drop();
  await transport.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
}, 30_000);

describe("publish → Kafka → audit, for every producing service", () => {
  for (const producer of PRODUCERS) {
    test(`${producer.name}: every event of its outbox is recorded by the audit service exactly once`, async () => {
      const db = await createTestDatabase(`pipeline_${producer.name}`);
      const sql = postgres(db.url, { max: 2, onnotice: () => {} });
      const booted = await producer.boot(
        { DATABASE_URL: db.url, PORT: String(freePort()), JWT_PUBLIC_KEY: signer.publicKey },
        { log, bus: transport },
      );
      try {
        const tenants = await producer.exercise(booted.url, signer);
        const outbox = await sql<{ id: string }[]>`
          select id from ${sql(producer.schema)}.outbox where tenant_id = any(${tenants})`;
        expect(outbox.length).toBeGreaterThan(10);
        const ids = outbox.map((row) => row.id);
        const recorded = async () => {
          const [row] = await auditSql`
            select count(*)::int as n, count(distinct event_id)::int as distinct_n
            from audit.log_entries where event_id = any(${ids})`;
          return { n: row?.n ?? 0, distinct: row?.distinct_n ?? 0 };
        };
        expect(await waitUntil(async () => (await recorded()).n >= ids.length, 30_000)).toBe(true);
        expect(await recorded()).toEqual({ n: ids.length, distinct: ids.length });
        const [unsent] =
          await sql`select count(*)::int as n from ${sql(producer.schema)}.outbox where sent_at is null`;
        expect(unsent?.n).toBe(0);
        for (const tenantId of tenants) {
          const token = await signer.sign({ tenantId, permissions: ["audit:event:read"] });
          const result = await callerFor(audit.url, token).query<{ ok: boolean; checked: number }>(
            "verify",
            {},
          );
          expect(result.ok).toBe(true);
          const page = await callerFor(audit.url, token).query<{ items: { source: string }[] }>(
            "events.list",
            {
              limit: 5,
            },
          );
          expect(page.items[0]?.source).toBe(`/vextrus/${producer.name}`);
        }
      } finally {
        await stopAll(booted);
        await sql.end();
        await db.drop();
      }
    }, 60_000);
  }
});
