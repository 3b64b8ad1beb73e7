/**
 * OpenTelemetry in the embedded mode (`npm start`: one PGlite, the in-process bus): a request sent to
 * the gateway with a W3C traceparent is one trace through the gateway, organization (its SQL on PGlite
 * included), the bus and audit's batch consumer, down to the audit entry, as on PostgreSQL and Kafka
 * (tracing-e2e.test.ts). Real services on a real PGlite in memory; spans read from an in-memory
 * exporter turned on before anything boots.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PGlite } from "@electric-sql/pglite";
import { bootAudit } from "@vextrus/audit/boot";
import { AuditEnv } from "@vextrus/audit/env";
import { createInProcessBus, type InProcessBus } from "@vextrus/events";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, type Stoppable } from "@vextrus/platform";
import { openPglite } from "@vextrus/platform/pglite";
import {
  createTestSigner,
  startTestTracing,
  type TestSigner,
  type TestTracing,
} from "@vextrus/platform/testing";
import { PLATFORM_PERMISSIONS, type RunningGateway, rawCall, startGateway, stopParts } from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });

let tracing: TestTracing;
let signer: TestSigner;
let pglite: PGlite;
let bus: InProcessBus;
const parts: Stoppable[] = [];
let gateway: RunningGateway;

beforeAll(async () => {
  tracing = await startTestTracing();
  signer = await createTestSigner();
  pglite = await openPglite();
  bus = createInProcessBus({ log });
  const shared = { log, bus, pglite };
  const common = { JWT_PUBLIC_KEY: signer.publicKey };
  const org = await bootOrganization(
    { ...OrganizationEnv.parse(common), PORT: 0, HOST: "127.0.0.1" },
    shared,
  );
  const audit = await bootAudit({ ...AuditEnv.parse(common), PORT: 0, HOST: "127.0.0.1" }, shared);
  parts.push(...audit.parts, ...org.parts);
  bus.start();
  gateway = startGateway({ organization: org.url, audit: audit.url });
}, 90_000);

afterAll(async () => {
  gateway?.stop();
  await stopParts(parts, 2_000);
  await Promise.race([bus?.close(), Bun.sleep(1_000)]);
  await pglite?.close();
  await tracing?.stop();
}, 60_000);

const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) {
      return found;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe("one trace from the gateway to the audit entry, embedded", () => {
  test("gateway → organization (SQL on PGlite) → bus → audit: each span the child of the one before", async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
    const created = await rawCall(gateway.url, "organization.tenants.create", {
      method: "POST",
      headers: { authorization: `Bearer ${operator}`, traceparent: `00-${traceId}-${callerSpan}-01` },
      body: JSON.stringify({ json: { slug: `trace-${hex(4)}`, legalName: "Embedded Builders Ltd" } }),
    });
    expect(created.status).toBe(200);
    const tenantId = (created.json as { result: { data: { json: { id: string } } } }).result.data.json.id;

    const auditor = await signer.sign({ tenantId, permissions: ["audit:*"] });
    const entry = await eventually("the tenant's creation in audit", async () => {
      const listed = await rawCall(gateway.url, "audit.events.list", {
        search: `input=${encodeURIComponent(JSON.stringify({ json: { typePrefix: "vextrus.organization.tenant.created" } }))}`,
        headers: { authorization: `Bearer ${auditor}` },
      });
      const items = (listed.json as { result?: { data: { json: { items: { eventId: string }[] } } } }).result
        ?.data.json.items;
      return items?.[0];
    });

    const SERVER = 1;
    const CLIENT = 2;
    const PRODUCER = 3;
    const CONSUMER = 4;
    const spans = () => tracing.spans().filter((span) => span.spanContext().traceId === traceId);
    const find = (service: string, kind: number, match: (name: string) => boolean = () => true) =>
      eventually(`a ${service} span of kind ${kind}`, async () =>
        spans().find((s) => s.attributes["vextrus.service"] === service && s.kind === kind && match(s.name)),
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}; the trace has ${JSON.stringify(spans().map((s) => [s.attributes["vextrus.service"], s.kind, s.name]))}`,
        );
      });
    const gatewayServer = await find("gateway", SERVER);
    const gatewayClient = await find("gateway", CLIENT);
    const orgServer = await find("organization", SERVER);
    const producer = await find("organization", PRODUCER, (name) =>
      name.includes("vextrus.organization.tenant"),
    );
    const consumer = await eventually("audit's consumer span of the event", async () =>
      spans().find(
        (s) =>
          s.attributes["vextrus.service"] === "audit" &&
          s.kind === CONSUMER &&
          s.attributes["messaging.message.id"] === entry.eventId,
      ),
    );
    const parentOf = (span: typeof gatewayServer) => span.parentSpanContext?.spanId;
    const idOf = (span: typeof gatewayServer) => span.spanContext().spanId;
    expect(parentOf(gatewayServer)).toBe(callerSpan);
    expect(parentOf(gatewayClient)).toBe(idOf(gatewayServer));
    expect(parentOf(orgServer)).toBe(idOf(gatewayClient));
    expect(parentOf(producer)).toBe(idOf(orgServer));
    expect(parentOf(consumer)).toBe(idOf(producer));
    // organization's statements on PGlite are client spans under its server span, without values.
    const statements = spans().filter(
      (s) => s.attributes["db.system"] === "postgresql" && parentOf(s) === idOf(orgServer),
    );
    expect(
      statements.map((s) => String(s.attributes["db.statement"])).some((t) => t.startsWith("insert into")),
    ).toBe(true);
    expect(statements.every((s) => s.kind === CLIENT && s.attributes["db.name"] === "pglite")).toBe(true);
    expect(JSON.stringify(statements.map((s) => s.attributes))).not.toContain("Embedded Builders Ltd");
  }, 120_000);
});
