// W3C trace context through the platform: a request's traceparent (or a new one) reaches the events it
// emits, and a consumer handling such an event continues that trace, so what the event causes carries it.
import { afterAll, describe, expect, test } from "bun:test";
import {
  createLogger,
  createMetrics,
  createService,
  currentTraceparent,
  initServiceTrpc,
  listen,
  runInTrace,
} from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { buildEvent, type CloudEvent, perEvent } from "../src/index.ts";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const traceId = (traceparent: string | undefined) => TRACEPARENT.exec(traceparent ?? "")?.[1];
const spanId = (traceparent: string | undefined) => TRACEPARENT.exec(traceparent ?? "")?.[2];
const tenantId = Bun.randomUUIDv7();

/** An event of the catalog, as a domain verb would emit it (no traceparent named). */
const departmentCreated = () => {
  const id = Bun.randomUUIDv7();
  return buildEvent({
    type: "vextrus.organization.department.created",
    subject: id,
    tenantId,
    data: { id, after: { name: "Civil", createdAt: new Date("2025-01-01T00:00:00Z") } },
  }).event;
};

describe("buildEvent", () => {
  test("takes the traceparent of the trace it runs in; none outside one; a named one wins", () => {
    const incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    expect(runInTrace(incoming, departmentCreated).traceparent).toBe(incoming);
    expect(departmentCreated().traceparent).toBeUndefined();
    const named = "00-11111111111111111111111111111111-2222222222222222-01";
    const id = Bun.randomUUIDv7();
    const event = runInTrace(incoming, () =>
      buildEvent({
        type: "vextrus.organization.department.created",
        subject: id,
        tenantId,
        traceparent: named,
        data: { id, after: { name: "Civil", createdAt: new Date() } },
      }),
    ).event;
    expect(event.traceparent).toBe(named);
  });
});

describe("a service request", () => {
  const { router, publicProcedure } = initServiceTrpc<Record<string, never>>();
  const testRouter = router({
    // Stands for a domain verb: awaits (the trace must survive it), then emits an event.
    emit: publicProcedure.mutation(async ({ ctx }) => {
      await Bun.sleep(5);
      return { event: departmentCreated().traceparent ?? "", context: ctx.traceparent };
    }),
  });
  const app = createService({
    name: "trace-test",
    version: "0",
    router: testRouter,
    deps: {},
    log: createLogger({ level: "error", write: () => {} }),
    metrics: createMetrics("trace-test"),
    checks: {},
  });
  const server = listen(app, 0, "trace-test");
  afterAll(() => server.stop());

  async function call(headers: Record<string, string>): Promise<{ event: string; context: string }> {
    const response = await fetch(`${server.url}/trpc/emit`, { method: "POST", headers, body: "{}" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      result: { data: { json: { event: string; context: string } } };
    };
    return body.result.data.json;
  }

  test("the events it emits carry the caller's traceparent (as the gateway forwards it)", async () => {
    const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const { event, context } = await call({ "content-type": "application/json", traceparent: incoming });
    expect(event).toBe(incoming);
    expect(context).toBe(incoming);
  });

  test("without one (or with a malformed one) the request starts a trace, the same in context and events", async () => {
    for (const headers of [{}, { traceparent: "00-zz-bad-01" }] as Record<string, string>[]) {
      const { event, context } = await call({ "content-type": "application/json", ...headers });
      expect(event).toMatch(TRACEPARENT);
      expect(event).toBe(context);
    }
    const [a, b] = [
      await call({ "content-type": "application/json" }),
      await call({ "content-type": "application/json" }),
    ];
    expect(traceId(a.event)).not.toBe(traceId(b.event));
  });
});

describe("a consumer (perEvent)", () => {
  test("handles an event inside its trace (a new span) and the events it emits carry that trace", async () => {
    const incoming = runInTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", departmentCreated);
    const seen: Array<string | undefined> = [];
    const emitted: CloudEvent[] = [];
    const handle = perEvent({
      "vextrus.organization.department.created": async () => {
        await Bun.sleep(1);
        seen.push(currentTraceparent());
        emitted.push(departmentCreated());
      },
    });
    await handle({
      tx: {} as Tx,
      tenantId,
      events: [incoming],
      log: createLogger({ level: "error", write: () => {} }),
    });
    expect(seen).toHaveLength(1);
    expect(traceId(seen[0])).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(spanId(seen[0])).not.toBe("b7ad6b7169203331");
    expect(traceId(emitted[0]?.traceparent)).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(currentTraceparent()).toBeUndefined();
  });
});
