// The embedded mode (`npm start` on PGlite) traces its SQL as PostgreSQL does: with tracing on, every
// statement a service runs is a client span of the request (or event) it serves, inside transactions
// too, with placeholders and never the parameter values. A real PGlite in memory; spans read from the
// in-memory exporter (what OTLP would have sent).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { PGlite } from "@electric-sql/pglite";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import { openPglite } from "../src/db/embedded.ts";
import { APP_ROLE, type Database, pgliteDatabase } from "../src/db/index.ts";
import { runInTrace } from "../src/index.ts";
import { startTestTracing, type TestTracing } from "../src/testing/index.ts";

const TENANT = "0190b7a8-0000-7000-8000-00000000000b";
const SECRET = `secret-${Bun.randomUUIDv7()}`;

let pglite: PGlite;
let db: Database;
let tracing: TestTracing;

beforeAll(async () => {
  pglite = await openPglite();
  await pglite.exec(`create role ${APP_ROLE} nologin`);
  db = pgliteDatabase({ client: pglite, appRole: APP_ROLE, service: "embedded-spans-test" });
  tracing = await startTestTracing();
});

afterAll(async () => {
  await tracing?.stop();
  await pglite?.close();
});

const statementSpans = (traceId: string) =>
  tracing
    .spans()
    .filter(
      (span) => span.spanContext().traceId === traceId && span.attributes["db.system"] === "postgresql",
    );

describe("statement spans on the embedded PGlite", () => {
  test("each statement of a tenant transaction is a child span of the request, without its parameters", async () => {
    const traceId = "6bf92f3577b34da6a3ce929d0e0e4738";
    const parent = `00-${traceId}-20f067aa0ba902b7-01`;
    const rows = await runInTrace(parent, () =>
      db.tenant(TENANT, async (tx) => {
        await tx.execute(sql`select ${SECRET}::text as secret`);
        return tx.execute(sql`select ${SECRET}::text || ${"-again"}::text as twice`);
      }),
    );
    expect(JSON.stringify(rows)).toContain(SECRET);
    const spans = statementSpans(traceId);
    const statements = spans.map((span) => span.attributes["db.statement"]);
    expect(statements).toContain("select $1::text as secret");
    expect(statements).toContain("select $1::text || $2::text as twice");
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes["db.name"]).toBe("pglite");
      expect(span.attributes["vextrus.service"]).toBe("embedded-spans-test");
      expect(span.parentSpanContext?.spanId).toBe("20f067aa0ba902b7");
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    expect(JSON.stringify(tracing.spans().map((span) => span.attributes))).not.toContain(SECRET);
  });

  test("a failing statement's span is an error; privileged transactions and pings outside a trace are fine", async () => {
    const traceId = "7bf92f3577b34da6a3ce929d0e0e4739";
    const parent = `00-${traceId}-30f067aa0ba902b7-01`;
    await runInTrace(parent, async () => {
      await db.privileged((tx) => tx.execute(sql`select count(*) from pg_class where relname = ${SECRET}`));
      await expect(db.tenant(TENANT, (tx) => tx.execute(sql`select * from no_such_table`))).rejects.toThrow();
    });
    const spans = statementSpans(traceId);
    const statements = spans.map((span) => span.attributes["db.statement"]);
    expect(statements).toContain("select count(*) from pg_class where relname = $1");
    const failed = spans.find((span) => span.attributes["db.statement"] === "select * from no_such_table");
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    await db.ping();
  });
});
