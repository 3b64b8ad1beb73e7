import { createTRPCClient, httpLink } from "@trpc/client";
import {
  buildEvent,
  type CloudEvent,
  type Consumer,
  createCatalogTopics,
  type EmitInput,
  type EventType,
  isInfrastructureError,
  kafkaTransport,
  type OutgoingMessage,
  type Transport,
  whileRetriable,
} from "@vextrus/events";
import { createLogger, createMetrics, createTokenVerifier, type Logger } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, kafkaBrokers } from "@vextrus/platform/testing";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { startAuditConsumer } from "../src/events.ts";
import { createAuditMetrics } from "../src/metrics.ts";
import type { AuditRouter } from "../src/router.ts";

const quietLog = (lines: string[]): Logger =>
  createLogger({ level: "debug", write: (line) => lines.push(line) });

/**
 * A namespace of catalog topics on the test broker (every name prefixed), so test files sharing a
 * broker never see each other's events. `drop()` deletes them.
 */
export async function testTopics(label: string) {
  const prefix = `t-${label}-${Bun.randomUUIDv7().slice(-8)}.`;
  const brokers = kafkaBrokers();
  const kafka = new Kafka({ clientId: `test-${label}`, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await whileRetriable(() => admin.connect());
  const topics = await createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1 });
  return {
    prefix,
    brokers,
    kafka,
    transport: (log: Logger, clientId = label): Transport =>
      kafkaTransport({ brokers, clientId, log, topicPrefix: prefix }),
    async drop() {
      await admin.deleteTopics({ topics: topics.map((t) => t.name) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

export type TestTopics = Awaited<ReturnType<typeof testTopics>>;

/**
 * A real audit service for one test file: its own database, the committed migrations, its HTTP app
 * answered in-process, and (with `consume`) its consumer on the test topics.
 */
export async function startAudit(label: string) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "audit", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const logLines: string[] = [];
  const log = quietLog(logLines);
  const metrics = createMetrics("audit");
  const auditMetrics = createAuditMetrics(metrics.registry, db);
  const app = createApp({ db, log, verifyToken, metrics, auditMetrics, retentionDays: 730 });
  const superuser = postgres(testDb.url, { max: 2, onnotice: () => {} });
  const consumers: Consumer[] = [];
  return {
    app,
    db,
    signer,
    log,
    logLines,
    metrics,
    superuser,
    databaseUrl: testDb.url,
    client: (token?: string) => clientFor(app, token),
    /** A token for a fresh tenant with the given permissions. */
    async newTenant(permissions: readonly string[] = ["audit:*"]) {
      const tenantId = Bun.randomUUIDv7();
      const userId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: clientFor(app, token) };
    },
    async consume(
      transport: Transport,
      options: { group?: string; maxAttempts?: number; db?: Database } = {},
    ) {
      const consumer = await startAuditConsumer({
        db: options.db ?? db,
        transport,
        log,
        registry: metrics.registry,
        metrics: auditMetrics,
        group: options.group ?? `audit-${label}-${Bun.randomUUIDv7().slice(-8)}`,
        maxAttempts: options.maxAttempts ?? 3,
        retryBaseMs: 20,
        applyTimeoutMs: 3_000,
      });
      consumers.push(consumer);
      return consumer;
    },
    /** Entries recorded for a tenant (read as the superuser). */
    async count(tenantId: string): Promise<number> {
      const [row] =
        await superuser`select count(*)::int as n from audit.log_entries where tenant_id = ${tenantId}`;
      return row?.n ?? 0;
    },
    async waitFor(tenantId: string, n: number, timeoutMs = 15_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      let seen = 0;
      while (Date.now() < deadline) {
        seen = await this.count(tenantId);
        if (seen >= n) {
          return seen;
        }
        await Bun.sleep(25);
      }
      return seen;
    },
    async stop() {
      for (const consumer of consumers) {
        await consumer.stop();
      }
      await superuser.end();
      await db.close();
      await testDb.drop();
    },
  };
}

export type AuditHarness = Awaited<ReturnType<typeof startAudit>>;

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AuditRouter>({
    links: [
      httpLink({
        url: "http://audit.test/trpc",
        transformer: superjson,
        headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

/**
 * Sends as the relay would, retrying what the relay retries: a partition created a moment ago may
 * answer NOT_LEADER_FOR_PARTITION past kafkajs' own retries on a busy machine. (All of one call's
 * messages share a key in these tests, so a failed send wrote none of them.)
 */
export async function sendRetrying(transport: Transport, clientId: string, messages: OutgoingMessage[]) {
  const publisher = transport.publisher(clientId);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        return await publisher.send(messages);
      } catch (error) {
        if (!isInfrastructureError(error) || Date.now() > deadline) {
          throw error;
        }
        await Bun.sleep(250);
      }
    }
  } finally {
    await publisher.close();
  }
}

/** Publishes catalog events as a producing service's relay would (same envelope, same key). */
export async function publish(transport: Transport, inputs: readonly EmitInput<EventType>[]) {
  const built = inputs.map((input) => buildEvent(input));
  await sendRetrying(
    transport,
    "test-producer",
    built.map((b) => ({ topic: b.topic, key: b.key, value: JSON.stringify(b.event) })),
  );
  return built.map((b) => b.event as CloudEvent);
}

/** A department's life as events: created, renamed, archived. */
export function departmentStory(tenantId: string, actorId: string) {
  const id = Bun.randomUUIDv7();
  const v1 = { id, tenantId, name: "Procurement", nameBn: null, code: "PRC", archivedAt: null, version: 1 };
  const v2 = { ...v1, name: "Procurement & Stores", version: 2 };
  const v3 = { ...v2, archivedAt: "2025-07-01T00:00:00.000Z", version: 3 };
  const base = { subject: id, tenantId, actorId };
  const created: EmitInput<"vextrus.organization.department.created"> = {
    ...base,
    type: "vextrus.organization.department.created",
    data: { id, after: v1 },
  };
  const updated: EmitInput<"vextrus.organization.department.updated"> = {
    ...base,
    type: "vextrus.organization.department.updated",
    data: { id, before: v1, after: v2 },
  };
  const archived: EmitInput<"vextrus.organization.department.archived"> = {
    ...base,
    type: "vextrus.organization.department.archived",
    data: { id, before: v2, after: v3 },
  };
  return { id, created, events: [created, updated, archived] as EmitInput<EventType>[] };
}
