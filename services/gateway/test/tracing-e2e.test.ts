/**
 * OpenTelemetry end to end: a request sent to the gateway with a W3C traceparent is one trace through
 * the gateway, organization, Kafka and audit's batch consumer, down to the audit entry. Real services
 * on real PostgreSQL and a real Kafka broker; the spans are read from an in-memory exporter (what the
 * OTLP exporter would have sent), turned on before anything boots.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { createCatalogTopics, kafkaTransport, type Transport, withKafkaAdmin } from "@vextrus/events";
import { createLogger, type Stoppable } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  kafkaBrokers,
  startTestTracing,
  type TestDatabase,
  type TestSigner,
  type TestTracing,
} from "@vextrus/platform/testing";
import {
  PLATFORM_PERMISSIONS,
  type RunningGateway,
  type RunningService,
  rawCall,
  startGateway,
  startOrganization,
} from "./harness.ts";

const prefix = `t-trace-${Bun.randomUUIDv7().slice(-8)}.`;
const log = createLogger({ level: "error", write: () => {} });

let tracing: TestTracing;
let signer: TestSigner;
let transport: Transport;
let topicNames: string[] = [];
let org: RunningService;
let auditDb: TestDatabase;
let audit: { url: string; parts: Stoppable[] };
let gateway: RunningGateway;

beforeAll(async () => {
  tracing = await startTestTracing();
  signer = await createTestSigner();
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1 }),
  );
  topicNames = created.map((topic) => topic.name);
  transport = kafkaTransport({ brokers: kafkaBrokers(), clientId: "tracing-e2e", log, topicPrefix: prefix });
  org = await startOrganization("tracing", { signer }, transport);
  auditDb = await createTestDatabase("gw_tracing_audit");
  audit = await bootAudit(
    {
      ...AuditEnv.parse({ DATABASE_URL: auditDb.url, JWT_PUBLIC_KEY: signer.publicKey }),
      PORT: 0,
      HOST: "127.0.0.1",
    },
    { log, bus: transport },
  );
  gateway = startGateway({ organization: org.url, audit: audit.url });
}, 90_000);

afterAll(async () => {
  gateway?.stop();
  for (const part of audit?.parts ?? []) {
    await Promise.race([part.stop(), Bun.sleep(2_000)]);
  }
  await auditDb?.drop();
  await org?.stop();
  await transport?.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
  await tracing?.stop();
}, 60_000);

const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

/** Audit's consumer joins its group in the background (and retries while new topics settle): be patient. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) {
      return found;
    }
    await Bun.sleep(100);
  }
  throw new Error("not within the time allowed");
}

describe("one trace from the gateway to the audit entry", () => {
  test("gateway → organization → Kafka → audit: each span the child of the one before", async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const created = await rawCall(gateway.url, "organization.tenants.create", {
      method: "POST",
      headers: { authorization: `Bearer ${operator}`, traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ json: { slug: `trace-${hex(4)}`, legalName: "Traced Builders Ltd" } }),
    });
    expect(created.status).toBe(200);
    const tenantId = (created.json as { result: { data: { json: { id: string } } } }).result.data.json.id;

    // The audit entry, read through the gateway as the new tenant's auditor.
    const auditor = await signer.sign({ tenantId, permissions: ["audit:*"] });
    const entry = await eventually(async () => {
      const listed = await rawCall(gateway.url, "audit.events.list", {
        search: `input=${encodeURIComponent(JSON.stringify({ json: { typePrefix: "vextrus.organization.tenant.created" } }))}`,
        headers: { authorization: `Bearer ${auditor}` },
      });
      const items = (listed.json as { result?: { data: { json: { items: { eventId: string }[] } } } }).result
        ?.data.json.items;
      return items?.[0];
    });

    const spans = tracing.spans().filter((span) => span.spanContext().traceId === traceId);
    const find = (service: string, kind: number, name?: string) => {
      const span = spans.find(
        (s) =>
          s.attributes["vextrus.service"] === service &&
          s.kind === kind &&
          (name === undefined || s.name.includes(name)),
      );
      if (!span) {
        throw new Error(
          `no ${service} span of kind ${kind} in ${JSON.stringify(spans.map((s) => [s.attributes["vextrus.service"], s.kind, s.name]))}`,
        );
      }
      return span;
    };
    const SERVER = 1;
    const CLIENT = 2;
    const PRODUCER = 3;
    const CONSUMER = 4;
    const gatewayServer = find("gateway", SERVER);
    const gatewayClient = find("gateway", CLIENT);
    const orgServer = find("organization", SERVER);
    const producer = find("organization", PRODUCER, "vextrus.organization.tenant");
    // Audit's consumer span for this very event (the batch consumer continues each event's trace).
    const consumer = await eventually(async () =>
      tracing
        .spans()
        .find(
          (s) =>
            s.attributes["vextrus.service"] === "audit" &&
            s.kind === CONSUMER &&
            s.attributes["messaging.message.id"] === entry.eventId,
        ),
    );

    const parentOf = (span: typeof gatewayServer) => span.parentSpanContext?.spanId;
    const idOf = (span: typeof gatewayServer) => span.spanContext().spanId;
    expect(parentOf(gatewayServer)).toBe(callerSpan);
    expect(gatewayServer.name).toBe("POST /trpc/organization");
    expect(parentOf(gatewayClient)).toBe(idOf(gatewayServer));
    expect(parentOf(orgServer)).toBe(idOf(gatewayClient));
    expect(orgServer.name).toBe("POST /trpc/tenants.create");
    expect(orgServer.attributes["http.response.status_code"]).toBe(200);
    expect(parentOf(producer)).toBe(idOf(orgServer));
    expect(producer.attributes["messaging.message.id"]).toBe(entry.eventId);
    expect(consumer.spanContext().traceId).toBe(traceId);
    expect(parentOf(consumer)).toBe(idOf(producer));
    expect(consumer.attributes["messaging.destination.name"]).toBe("vextrus.organization.tenant");
    // Each SQL statement organization ran for the request is a client span under its server span,
    // with the statement's text (placeholders, no values: the slug is not in it).
    const statements = spans.filter(
      (s) => s.attributes["db.system"] === "postgresql" && parentOf(s) === idOf(orgServer),
    );
    const texts = statements.map((s) => String(s.attributes["db.statement"]));
    expect(texts.some((text) => text.startsWith("insert into"))).toBe(true);
    expect(
      statements.every((s) => s.kind === CLIENT && s.attributes["vextrus.service"] === "organization"),
    ).toBe(true);
    expect(texts.join("\n")).not.toContain("Traced Builders Ltd");
  }, 180_000);

  test("a request without a traceparent starts its own trace at the gateway; a garbled one too", async () => {
    for (const headers of [{}, { traceparent: "00-nonsense-01" }] as Record<string, string>[]) {
      const before = tracing.spans().length;
      const answer = await rawCall(gateway.url, "organization.tenants.list", { headers });
      expect(answer.status).toBe(401);
      const server = await eventually(async () =>
        tracing
          .spans()
          .slice(before)
          .find((s) => s.attributes["vextrus.service"] === "gateway" && s.kind === 1),
      );
      expect(server.parentSpanContext?.spanId).toBeUndefined();
      expect(server.attributes["http.response.status_code"]).toBe(401);
      const org = tracing
        .spans()
        .slice(before)
        .find((s) => s.attributes["vextrus.service"] === "organization" && s.kind === 1);
      expect(org?.spanContext().traceId).toBe(server.spanContext().traceId);
    }
  }, 30_000);
});
