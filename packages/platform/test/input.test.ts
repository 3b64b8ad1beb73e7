import { describe, expect, test } from "bun:test";
import superjson from "superjson";
import { z } from "zod";
import {
  createLogger,
  createMetrics,
  createService,
  initServiceTrpc,
  inputFault,
  invalidField,
  jsonObject,
} from "../src/index.ts";

describe("inputFault", () => {
  test("finds the first NUL, forbidden key or excess depth, naming its path", () => {
    expect(inputFault({ a: "ok", b: ["x", "y\0"] })?.path).toBe("b.1");
    expect(inputFault({ a: "ok", b: ["x", "y\0"] })?.code).toBe("input.nul");
    expect(inputFault("a\0")?.path).toBe("(input)");
    expect(inputFault({ "k\0": 1 })?.path).toBe("k\0");
    expect(inputFault(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toMatchObject({
      path: "a.__proto__",
      code: "input.key.forbidden",
    });
    expect(inputFault({ data: { constructor: { prototype: { x: 1 } } } })?.path).toBe("data.constructor");
    expect(inputFault(new Map([["s", "\0"]]))?.path).toBe("s");
    expect(inputFault(new Set(["ok", "\0"]))?.path).toBe("1");
    expect(inputFault({ a: { b: { c: 1 } } }, 2)).toMatchObject({ path: "a.b", code: "input.too_deep" });
    expect(inputFault({ a: { b: { c: 1 } } }, 3)).toBeUndefined();
    expect(inputFault({ a: [], b: new Date(), c: 1n, d: null, e: "ক" })).toBeUndefined();
  });

  test("a 10,000-level input is refused without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    expect(inputFault(deep)?.code).toBe("input.too_deep");
  });
});

describe("jsonObject", () => {
  const Data = jsonObject({ maxBytes: 64, maxDepth: 2 });
  const issue = (value: unknown) =>
    Data.safeParse(value).error?.issues[0] as { code: string; path: unknown[]; params?: unknown } | undefined;

  test("refuses a bare __proto__ key instead of dropping it", () => {
    expect(issue(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toMatchObject({
      path: ["__proto__"],
      params: { code: "input.key.forbidden" },
    });
  });

  test("refuses constructor and prototype keys at any depth, NUL, depth and size", () => {
    expect(issue({ constructor: { prototype: { x: 1 } } })?.path).toEqual(["constructor"]);
    expect(issue({ a: { prototype: 1 } })?.path).toEqual(["a", "prototype"]);
    expect(issue({ a: "x\0" })?.params).toMatchObject({ code: "input.nul" });
    expect(issue({ a: { b: { c: 1 } } })?.params).toMatchObject({ code: "input.too_deep" });
    expect(issue({ a: "x".repeat(80) })?.params).toMatchObject({ code: "input.too_large" });
    expect(issue([1])?.code).toBe("invalid_type");
    expect(Data.parse({ a: [1, "ক"], b: null })).toEqual({ a: [1, "ক"], b: null });
  });
});

describe("every procedure's input and output", () => {
  const { router, publicProcedure } = initServiceTrpc<Record<string, never>>();
  const lines: string[] = [];
  const app = createService({
    name: "probe",
    version: "0",
    deps: {},
    log: createLogger({ write: (line) => lines.push(line) }),
    metrics: createMetrics("probe"),
    checks: {},
    router: router({
      echo: publicProcedure
        .input(z.object({ name: z.string().max(5), tags: z.record(z.string(), z.number()).optional() }))
        .mutation(({ input }) => input),
      stored: publicProcedure.query(() =>
        JSON.parse('{"ok":1,"constructor":{"prototype":{"x":1}},"__proto__":2}'),
      ),
      refused: publicProcedure.query(() => {
        throw invalidField("departmentId", "probe.department.unknown", {
          en: "No such department",
          bn: "এমন কোনো বিভাগ নেই",
        });
      }),
      broken: publicProcedure.query(() => ({
        get value(): string {
          throw new Error("cannot read this");
        },
      })),
    }),
  });

  async function call(path: string, body: string | undefined, locale = "en") {
    const init: RequestInit = {
      method: body === undefined ? "GET" : "POST",
      headers: {
        "content-type": "application/json",
        "accept-language": locale,
        "x-request-id": `req-${path}`,
      },
    };
    if (body !== undefined) {
      init.body = body;
    }
    const res = await app.fetch(new Request(`http://probe.test/trpc/${path}`, init));
    return {
      status: res.status,
      body: (await res.json()) as { error?: { json: ErrorShape }; result?: unknown },
    };
  }
  type ErrorShape = {
    message: string;
    data: { code: string; issues: { path: string; code: string; message: string }[] };
  };

  test("a NUL anywhere is a 400 naming the field, in English and Bengali", async () => {
    const en = await call("echo", JSON.stringify({ json: { name: "a\0b" } }));
    expect(en.status).toBe(400);
    expect(en.body.error?.json.message).toBe("name: must not contain the NUL character (\\u0000)");
    expect(en.body.error?.json.data.issues).toEqual([
      { path: "name", code: "input.nul", message: "must not contain the NUL character (\\u0000)" },
    ]);
    const bn = await call("echo", JSON.stringify({ json: { name: "ok", tags: { "x\0": 1 } } }), "bn");
    expect(bn.status).toBe(400);
    expect(bn.body.error?.json.message).toStartWith("tags.x\0: NUL অক্ষর");
  });

  test("in a batch, only the call with the bad input is refused", async () => {
    const res = await app.fetch(
      new Request("http://probe.test/trpc/echo,echo?batch=1", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ 0: { json: { name: "ok" } }, 1: { json: { name: "a\0" } } }),
      }),
    );
    const [first, second] = (await res.json()) as [{ result?: unknown }, { error?: { json: ErrorShape } }];
    expect(first.result).toBeDefined();
    expect(second.error?.json.data.issues[0]).toMatchObject({ path: "name", code: "input.nul" });
  });

  test("own __proto__ / constructor keys in any input are refused before the schema drops them", async () => {
    const res = await call("echo", '{"json":{"name":"ok","tags":{"__proto__":1}}}');
    expect(res.status).toBe(400);
    expect(res.body.error?.json.data.issues[0]).toMatchObject({
      path: "tags.__proto__",
      code: "input.key.forbidden",
    });
  });

  test("a schema's refusal names the first field and its problem at the top", async () => {
    const en = await call("echo", JSON.stringify({ json: { name: "toolong", tags: { a: "x" } } }));
    expect(en.status).toBe(400);
    expect(en.body.error?.json.message).toMatch(/^name: .*5.* \(and 1 more\)$/);
    const bn = await call("echo", JSON.stringify({ json: { name: "toolong" } }), "bn");
    expect(bn.body.error?.json.message).toMatch(/^name: .*৫/);
    expect(bn.body.error?.json.message).not.toContain("ইনপুটটি সঠিক নয়");
  });

  test("bad input a verb refuses also names its field at the top, in both languages", async () => {
    const en = await call("refused", undefined);
    expect(en.status).toBe(400);
    expect(en.body.error?.json.message).toBe("departmentId: No such department");
    expect(en.body.error?.json.data.issues[0]?.message).toBe("No such department");
    const bn = await call("refused", undefined, "bn");
    expect(bn.body.error?.json.message).toBe("departmentId: এমন কোনো বিভাগ নেই");
  });

  test("stored data with forbidden keys is answered without them instead of a 500", async () => {
    const res = await call("stored", undefined);
    expect(res.status).toBe(200);
    expect(superjson.deserialize((res.body.result as { data: never }).data)).toEqual({ ok: 1 });
  });

  test("a failure outside the procedures' error mapping is logged with its request id", async () => {
    lines.length = 0;
    const res = await call("broken", undefined);
    expect(res.status).toBe(500);
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.level === "error");
    expect(logged).toMatchObject({ requestId: "req-broken", procedure: "broken", msg: "request failed" });
    expect(JSON.stringify(res.body)).not.toContain("cannot read this");
  });
});
