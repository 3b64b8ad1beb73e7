import { afterAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import {
  AppError,
  type CallContext,
  createLogger,
  createMetrics,
  createService,
  createServiceClient,
  initServiceTrpc,
  notFound,
} from "../src/index.ts";

// A real service on a real port: what another Vextrus service answers, including its failures.
const { router, publicProcedure, tenantProcedure } = initServiceTrpc<Record<string, never>>();
const remote = router({
  echo: publicProcedure.input(z.object({ n: z.number() })).query(({ ctx, input }) => ({
    n: input.n,
    requestId: ctx.requestId,
    authorization: ctx.authorization ?? null,
    traceparent: ctx.traceparent,
  })),
  save: publicProcedure.input(z.object({ amount: z.string().regex(/^\d+$/) })).mutation(({ input }) => ({
    saved: input.amount,
  })),
  missing: publicProcedure.query(() => {
    throw notFound({ en: "Department", bn: "বিভাগ" }, "organization.department.not_found");
  }),
  mine: tenantProcedure.query(() => "never"),
  boom: publicProcedure.query(() => {
    throw new Error("a bug with SQL: select * from secrets");
  }),
  slow: publicProcedure.query(() => Bun.sleep(2_000).then(() => ({ n: 1 }))),
  shape: publicProcedure.query(() => ({ n: "one" })),
});
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: createService({
    name: "remote",
    version: "0",
    router: remote,
    deps: {},
    log: createLogger({ level: "error", write: () => {} }),
    metrics: createMetrics("remote"),
    checks: {},
  }).fetch,
});
afterAll(() => server.stop(true));

const url = `http://127.0.0.1:${server.port}`;
const client = createServiceClient({ service: "remote", url, timeoutMs: 500 });
const call: CallContext = {
  requestId: "req-42",
  authorization: "Bearer caller-token",
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
};
const Echo = z.object({ n: z.number(), requestId: z.string(), authorization: z.string().nullable() });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => new Error("expected a refusal"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("service client", () => {
  test("forwards the request id, the Authorization and the trace (a new span), and checks the answer", async () => {
    const answer = await client.query("echo", { n: 7 }, Echo.extend({ traceparent: z.string() }), call);
    expect(answer).toMatchObject({ n: 7, requestId: "req-42", authorization: "Bearer caller-token" });
    const [, traceId, spanId] = answer.traceparent.split("-");
    expect(traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(spanId).not.toBe("00f067aa0ba902b7");
    // Fields outside the contract are dropped: the caller sees only what it declared.
    const narrow = await client.query("echo", { n: 1 }, z.object({ n: z.number() }), call);
    expect(narrow).toEqual({ n: 1 });
  });

  test("without a caller trace or token, a new trace starts and no Authorization is sent", async () => {
    const answer = await client.query("echo", { n: 1 }, Echo.extend({ traceparent: z.string() }), {
      requestId: "req-1",
    });
    expect(answer.authorization).toBeNull();
    expect(answer.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  test("mutations carry their input; a refused input is VALIDATION naming the remote field", async () => {
    expect(await client.mutation("save", { amount: "12" }, z.object({ saved: z.string() }), call)).toEqual({
      saved: "12",
    });
    const refused = await refusal(client.mutation("save", { amount: "1.5" }, z.unknown(), call));
    expect(refused.kind).toBe("VALIDATION");
    expect(refused.field).toBe("amount");
  });

  test("refusals keep their kind and code", async () => {
    const missing = await refusal(client.query("missing", undefined, z.unknown(), call));
    expect(missing.kind).toBe("NOT_FOUND");
    expect(missing.code).toBe("organization.department.not_found");
    expect(missing.text.en).toContain("remote refused missing");
    const unauthorized = await refusal(client.query("mine", undefined, z.unknown(), call));
    expect(unauthorized.kind).toBe("UNAUTHORIZED");
  });

  test("a failing, garbled, slow or absent service is UNAVAILABLE, never INTERNAL", async () => {
    const failed = await refusal(client.query("boom", undefined, z.unknown(), call));
    expect(failed).toMatchObject({ kind: "UNAVAILABLE", code: "upstream.unavailable" });
    expect(failed.message).not.toContain("select");

    const garbled = await refusal(client.query("shape", undefined, z.object({ n: z.number() }), call));
    expect(garbled).toMatchObject({ kind: "UNAVAILABLE", code: "upstream.contract" });

    const started = performance.now();
    const slow = await refusal(client.query("slow", undefined, z.unknown(), call));
    expect(slow).toMatchObject({ kind: "UNAVAILABLE", code: "upstream.timeout" });
    expect(performance.now() - started).toBeLessThan(1_500);

    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const absent = createServiceClient({ service: "gone", url: `http://127.0.0.1:${port}`, timeoutMs: 500 });
    const down = await refusal(absent.query("echo", { n: 1 }, z.unknown(), call));
    expect(down).toMatchObject({ kind: "UNAVAILABLE", code: "upstream.unavailable" });
    expect(down.text.en).toBe("gone is not answering; try again shortly");
  });
});
