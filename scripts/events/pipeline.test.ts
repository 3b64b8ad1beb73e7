// Publish → consume through the real broker, for every service that produces events: each service
// runs as it does in production (its own database, its relay publishing its outbox), the audit
// service consumes, and every event in the producer's outbox ends up in the audit log exactly once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Booted, bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createCatalogTopics,
  kafkaTransport,
  TOPICS,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
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
import { Kafka as CloudEventsKafka, type CloudEventV1 } from "cloudevents";
import { Kafka, logLevel } from "kafkajs";
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

/**
 * The events with `ids` on the producer's topics, read by a plain kafkajs consumer and decoded by the
 * CloudEvents SDK's Kafka binding (structured mode: the `content-type` header names the format).
 */
async function decodedWithCloudEventsSdk(owner: string, ids: ReadonlySet<string>) {
  const kafka = new Kafka({
    brokers: kafkaBrokers(),
    clientId: "cloudevents-check",
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `cloudevents-check-${Bun.randomUUIDv7()}` });
  const found = new Map<string, { event: CloudEventV1<unknown>; contentType: string }>();
  await consumer.connect();
  try {
    const topics = TOPICS.filter((t) => t.owner === owner).map((t) => prefix + t.name);
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        const value = message.value?.toString() ?? "";
        // The SDK's Kafka binding reads `value` (its KafkaMessage), though toEvent is typed with the base Message.
        const kafkaMessage = { key: message.key?.toString() ?? "", value, headers, body: value };
        const decoded = CloudEventsKafka.toEvent(kafkaMessage);
        for (const event of Array.isArray(decoded) ? decoded : [decoded]) {
          if (ids.has(event.id)) {
            found.set(event.id, { event, contentType: headers["content-type"] ?? "" });
          }
        }
      },
    });
    await waitUntil(async () => found.size >= ids.size, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return found;
}

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
        // Any CloudEvents SDK reads the same messages: the Kafka protocol binding, structured mode.
        const decoded = await decodedWithCloudEventsSdk(producer.name, new Set(ids));
        expect(decoded.size).toBe(ids.length);
        for (const { event, contentType } of decoded.values()) {
          expect(contentType).toBe(CLOUDEVENTS_CONTENT_TYPE);
          expect(event.specversion).toBe("1.0");
          expect(event.source).toBe(`/vextrus/${producer.name}`);
          expect(event.type).toStartWith(`vextrus.${producer.name}.`);
          expect(tenants).toContain(event.tenantid as string);
          expect(typeof event.data).toBe("object");
        }
      } finally {
        await stopAll(booted);
        await sql.end();
        await db.drop();
      }
    }, 60_000);
  }
});
