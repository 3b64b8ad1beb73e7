// With tracing on, every SQL statement a service runs on PostgreSQL is a client span of the request (or
// event) it serves: db.system, db.name and db.statement with placeholders, never the parameter values.
// Real PostgreSQL; spans read from the in-memory exporter (what OTLP would have sent).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import { APP_ROLE, type Database, postgresDatabase } from "../src/db/index.ts";
import { runInTrace } from "../src/index.ts";
import {
  createTestDatabase,
  startTestTracing,
  type TestDatabase,
  type TestTracing,
} from "../src/testing/index.ts";

const TENANT = "0190b7a8-0000-7000-8000-00000000000a";
const SECRET = `secret-${Bun.randomUUIDv7()}`;

let testDb: TestDatabase;
let db: Database;
let tracing: TestTracing;

beforeAll(async () => {
  testDb = await createTestDatabase("db_spans");
  db = postgresDatabase({ url: testDb.url, appRole: APP_ROLE, maxConnections: 2, service: "spans-test" });
  await db.privileged((tx) =>
    tx.execute(
      sql.raw(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
        create role ${APP_ROLE} nologin; end if; end $$`),
    ),
  );
  tracing = await startTestTracing();
});

afterAll(async () => {
  await tracing?.stop();
  await db?.close();
  await testDb?.drop();
});

const statementSpans = (traceId: string) =>
  tracing
    .spans()
    .filter(
      (span) => span.spanContext().traceId === traceId && span.attributes["db.system"] === "postgresql",
    );

describe("statement spans", () => {
  test("each statement of a tenant transaction is a child span of the request, without its parameters", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parent = `00-${traceId}-00f067aa0ba902b7-01`;
    const rows = await runInTrace(parent, () =>
      db.tenant(TENANT, async (tx) => {
        await tx.execute(sql`select ${SECRET}::text as secret`);
        return tx.execute(sql`select ${SECRET}::text || ${"-again"}::text as twice`);
      }),
    );
    expect(JSON.stringify(rows)).toContain(SECRET);
    const spans = statementSpans(traceId);
    expect(spans.map((span) => span.attributes["db.statement"])).toEqual([
      "select $1::text as secret",
      "select $1::text || $2::text as twice",
    ]);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe(`SELECT ${new URL(testDb.url).pathname.slice(1)}`);
      expect(span.attributes["db.name"]).toBe(new URL(testDb.url).pathname.slice(1));
      expect(span.attributes["vextrus.service"]).toBe("spans-test");
      expect(span.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(span.endTime[0] + span.endTime[1] / 1e9).toBeGreaterThanOrEqual(
        span.startTime[0] + span.startTime[1] / 1e9,
      );
    }
    // The value was sent as a parameter: no attribute of any span holds it.
    expect(JSON.stringify(tracing.spans().map((span) => span.attributes))).not.toContain(SECRET);
  });

  test("a failing statement's span is an error; privileged transactions are traced too", async () => {
    const traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
    const parent = `00-${traceId}-10f067aa0ba902b7-01`;
    await runInTrace(parent, async () => {
      await db.privileged((tx) => tx.execute(sql`select count(*) from pg_class where relname = ${SECRET}`));
      await expect(db.tenant(TENANT, (tx) => tx.execute(sql`select * from no_such_table`))).rejects.toThrow();
    });
    const spans = statementSpans(traceId);
    const statements = spans.map((span) => span.attributes["db.statement"]);
    expect(statements).toContain("select count(*) from pg_class where relname = $1");
    const failed = spans.find((span) => span.attributes["db.statement"] === "select * from no_such_table");
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(SECRET);
  });
});
