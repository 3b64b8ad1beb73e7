// Every service bounds the calls of one tRPC batch itself, not only behind the gateway.
import { afterAll, expect, test } from "bun:test";
import { z } from "zod";
import {
  createLogger,
  createMetrics,
  createService,
  initServiceTrpc,
  listen,
  MAX_BATCH_CALLS,
} from "../src/index.ts";

const { router, publicProcedure } = initServiceTrpc<Record<string, never>>();
let calls = 0;
const testRouter = router({
  e: publicProcedure.input(z.object({ n: z.number() })).mutation(({ input }) => {
    calls += 1;
    return input.n;
  }),
});
const app = createService({
  name: "batch-test",
  version: "0",
  router: testRouter,
  deps: {},
  log: createLogger({ level: "error", write: () => {} }),
  metrics: createMetrics("batch-test"),
  checks: {},
});
const server = listen(app, 0, "batch-test");
afterAll(() => server.stop());

/** A batch of `n` calls as httpBatchLink posts it (the procedure's name is short, so the path fits). */
function batch(n: number, locale = "en") {
  const input = Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { json: { n: i } }]));
  return fetch(`${server.url}/trpc/${Array(n).fill("e").join(",")}?batch=1`, {
    method: "POST",
    headers: { "accept-language": locale, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

test("a batch of up to MAX_BATCH_CALLS runs", async () => {
  const response = await batch(MAX_BATCH_CALLS);
  expect(response.status).toBe(200);
  expect((await response.json()) as unknown[]).toHaveLength(MAX_BATCH_CALLS);
});

test("a batch of 2,000 calls sent straight to a service is refused at once, in both languages, and runs nothing", async () => {
  calls = 0;
  const began = performance.now();
  const response = await batch(2_000);
  const elapsed = performance.now() - began;
  expect(response.status).toBe(400);
  const body = (await response.json()) as {
    error: { json: { message: string; data: { code: string; appCode: string; requestId: string } } };
  };
  expect(body.error.json.message).toBe(`A batch may hold at most ${MAX_BATCH_CALLS} calls`);
  expect(body.error.json.data).toMatchObject({ code: "BAD_REQUEST", appCode: "request.batch.too_large" });
  expect(body.error.json.data.requestId).toBe(response.headers.get("x-request-id") ?? "");
  expect(elapsed).toBeLessThan(250);
  expect(calls).toBe(0);
  const bengali = (await (await batch(MAX_BATCH_CALLS + 1, "bn")).json()) as typeof body;
  expect(bengali.error.json.message).toBe("একটি ব্যাচে সর্বোচ্চ ১০০টি কল থাকতে পারে");
});
