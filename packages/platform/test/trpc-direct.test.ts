/**
 * A single query or mutation is answered by the direct caller (trpc-direct.ts) instead of tRPC's
 * fetch handler: every kind of request here is sent to a service both ways, and the answers (status,
 * body, content type, vary) and the error lines logged must be the same.
 */
import { describe, expect, test } from "bun:test";
import { z } from "zod";
import {
  AppError,
  createLogger,
  createMetrics,
  createService,
  createTokenVerifier,
  initServiceTrpc,
  notFound,
} from "../src/index.ts";
import { createTestSigner } from "../src/testing/index.ts";

const signer = await createTestSigner();
const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey });
const tenantId = Bun.randomUUIDv7();
const token = await signer.sign({ tenantId, permissions: ["thing:read"] });

const { router, publicProcedure, tenantProcedure } = initServiceTrpc<Record<string, never>>();
const Thing = z.object({ id: z.string(), at: z.date() });
const at = new Date("2026-01-02T03:04:05.678Z");
const things = router({
  byId: tenantProcedure
    .meta({ permission: "thing:read" })
    .input(z.object({ id: z.uuid() }))
    .output(Thing)
    .query(({ input }) => ({ id: input.id, at })),
  secret: tenantProcedure.meta({ permission: "thing:admin" }).query(() => "no"),
  wrongShape: publicProcedure.output(Thing).query(() => ({ id: 1 }) as never),
  missing: publicProcedure.query(() => notFound({ en: "Thing", bn: "জিনিস" }, "thing.not_found")),
  broken: publicProcedure.query(() => {
    throw new Error("database said no");
  }),
  refused: publicProcedure.query(() => {
    throw new AppError("VALIDATION", "thing.name.bad", { en: "bad name", bn: "খারাপ নাম" }, "name");
  }),
  polluted: publicProcedure.query(() => JSON.parse('{"a":1,"__proto__":{"x":1}}')),
  streamy: publicProcedure.query(() => ({ later: Promise.resolve(1) })),
  nothing: publicProcedure.query(() => undefined),
  echo: publicProcedure
    .input(z.object({ text: z.string().max(5) }).optional())
    .mutation(({ input }) => input),
});
const appRouter = router({ things });

function serviceWith(directCalls: boolean) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    level: "info",
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const app = createService({
    name: "direct",
    version: "0",
    router: appRouter,
    deps: {},
    log,
    metrics: createMetrics("direct"),
    checks: {},
    verifyToken,
    directCalls,
  });
  return { app, lines };
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));
const auth = { authorization: `Bearer ${token}` };
const json = { "content-type": "application/json" };
const id = "0190a5d0-0000-7000-8000-000000000001";

/** Requests of every kind the direct caller answers, and some it hands to tRPC. */
const cases: [string, string, RequestInit?][] = [
  ["query with a Date in its answer", `/trpc/things.byId?input=${input({ id })}`, { headers: auth }],
  [
    "bad input, Bengali",
    `/trpc/things.byId?input=${input({ id: "x" })}`,
    { headers: { ...auth, "accept-language": "bn" } },
  ],
  ["NUL in input", `/trpc/things.byId?input=${input({ id: "a\u0000" })}`, { headers: auth }],
  [
    "__proto__ key",
    `/trpc/things.byId?input=${encodeURIComponent('{"json":{"__proto__":{"a":1}}}')}`,
    { headers: auth },
  ],
  [
    "unwrapped input",
    `/trpc/things.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`,
    { headers: auth },
  ],
  ["input not JSON", "/trpc/things.byId?input=%7Bnot", { headers: auth }],
  ["no token", `/trpc/things.byId?input=${input({ id })}`],
  ["bad token", `/trpc/things.byId?input=${input({ id })}`, { headers: { authorization: "Bearer nope" } }],
  ["not a bearer", `/trpc/things.byId?input=${input({ id })}`, { headers: { authorization: "Basic eA==" } }],
  ["missing permission", "/trpc/things.secret", { headers: auth }],
  ["output not matching .output()", "/trpc/things.wrongShape"],
  ["not found", "/trpc/things.missing"],
  ["unknown error", "/trpc/things.broken"],
  ["AppError naming a field", "/trpc/things.refused", { headers: { "accept-language": "bn" } }],
  ["__proto__ in the answer", "/trpc/things.polluted"],
  ["stream-like answer", "/trpc/things.streamy"],
  ["undefined answer", "/trpc/things.nothing"],
  [
    "mutation",
    "/trpc/things.echo",
    { method: "POST", headers: json, body: JSON.stringify({ json: { text: "hi" } }) },
  ],
  ["mutation, empty body", "/trpc/things.echo", { method: "POST", headers: json, body: "" }],
  ["mutation, body not JSON", "/trpc/things.echo", { method: "POST", headers: json, body: "{no" }],
  [
    "mutation, bad input",
    "/trpc/things.echo",
    { method: "POST", headers: json, body: JSON.stringify({ json: { text: "toolong" } }) },
  ],
  [
    "mutation, charset",
    "/trpc/things.echo",
    {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ json: { text: "ok" } }),
    },
  ],
  // Handed to tRPC's handler:
  [
    "mutation without content type",
    "/trpc/things.echo",
    { method: "POST", body: JSON.stringify({ json: { text: "x" } }) },
  ],
  ["mutation by GET", "/trpc/things.echo"],
  ["query by POST", "/trpc/things.missing", { method: "POST", headers: json, body: "" }],
  ["unknown procedure", "/trpc/things.nope"],
  ["batch", `/trpc/things.missing,things.nothing?batch=1&input=${encodeURIComponent("{}")}`],
  [
    "batch of one",
    `/trpc/things.byId?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { id } } }))}`,
    { headers: auth },
  ],
  ["encoded path", "/trpc/things.%6Eothing"],
];

describe("direct calls answer as tRPC's handler does", () => {
  const direct = serviceWith(true);
  const viaTrpc = serviceWith(false);

  for (const [name, path, init] of cases) {
    test(name, async () => {
      const send = (app: typeof direct.app) =>
        app.request(path, { ...init, headers: { "x-request-id": "req-1", ...init?.headers } });
      const [a, b] = [await send(direct.app), await send(viaTrpc.app)];
      const [bodyA, bodyB] = [await a.text(), await b.text()];
      expect({ status: a.status, body: bodyA }).toEqual({ status: b.status, body: bodyB });
      for (const header of ["content-type", "vary", "allow", "x-request-id"]) {
        expect(a.headers.get(header)).toBe(b.headers.get(header));
      }
      const logged = (lines: Record<string, unknown>[]) =>
        lines.splice(0).map(({ time: _t, durationMs: _d, err, ...rest }) => ({
          ...rest,
          err: typeof err === "object" && err ? { ...err, stack: undefined } : err,
        }));
      expect(logged(direct.lines)).toEqual(logged(viaTrpc.lines));
    });
  }

  test("a query's answer keeps superjson's envelope (a Date stays a Date)", async () => {
    const res = await direct.app.request(`/trpc/things.byId?input=${input({ id })}`, { headers: auth });
    const body = (await res.json()) as { result: { data: { json: unknown; meta: unknown } } };
    expect(body.result.data).toEqual({
      json: { id, at: at.toISOString() },
      meta: { values: { at: ["Date"] }, v: 1 },
    });
    expect(res.status).toBe(200);
  });
});
