/**
 * Bad input, generated: for every procedure of every service, fast-check builds inputs its zod schema
 * rejects (a valid input with one field replaced or removed, or junk altogether, including values
 * only superjson can carry) and sends them through the gateway with a token that may call anything.
 * Every answer must be a 400 naming field paths, in English or Bengali, never a 5xx or a stack trace,
 * and nothing may be written. Malformed wire formats get a 4xx too.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError, type VextrusClient } from "@vextrus/client";
import { superjsonCanSend } from "@vextrus/platform/testing";
import fc from "fast-check";
import { seedTenant } from "./fixtures.ts";
import {
  type RunningGateway,
  type RunningServices,
  rawCall,
  rowCounts,
  startGateway,
  startServices,
} from "./harness.ts";
import { catalog, type Procedure, validInput } from "./procedures.ts";
import { authKeySigner } from "./tokens.ts";

const PROCEDURES = catalog();
const RUNS = 25;

let services: RunningServices;
let gateway: RunningGateway;
let ids: Record<string, string>;
let token: string;
const clients: Partial<Record<"en" | "bn", VextrusClient>> = {};

beforeAll(async () => {
  services = await startServices("badinput");
  gateway = startGateway(services.table);
  const tenant = await seedTenant(gateway, "Fuzz");
  ids = tenant.ids;
  const signer = await authKeySigner(services.auth.databaseUrl);
  // Every permission, platform ones included, so each call reaches its input validation.
  token = await signer.sign({
    tenantId: tenant.registered.tenant.id,
    userId: tenant.registered.user.id,
    permissions: ["*"],
  });
  clients.en = gateway.client({ token, batch: false });
  clients.bn = gateway.client({ token, batch: false, locale: "bn" });
}, 120_000);
afterAll(async () => {
  await gateway.stop();
  await services.stop();
});

const allRows = async () => {
  await services.settle();
  return Object.fromEntries(
    await Promise.all(services.list.map(async (s) => [s.name, await rowCounts(s.databaseUrl)])),
  );
};

type Caller = { query(input: unknown): Promise<unknown>; mutate(input: unknown): Promise<unknown> };

/** `client.organization.companies.get`, found by path at run time. */
function callerFor(client: VextrusClient, path: string): Caller {
  let node: unknown = client;
  for (const segment of path.split(".")) {
    node = Reflect.get(node as object, segment);
  }
  return node as Caller;
}

/** Values of every kind; superjson carries the non-JSON ones (Date, NaN, bigint, Map…) as they are. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ minLength: 600, maxLength: 6_000 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53 + 2, 10n ** 30n),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "\u0000\u0001",
    "../../etc/passwd",
    "00000000-0000-0000-0000-00000000000g",
    "০১৭১২৩৪৫৬৭৮",
    "৳১,২৩,৪৫৬.৫০",
    "1e309",
    "12345678901234567890.123",
  ),
  fc.constantFrom(new Map([["a", 1]]), new Set([1, 2]), [undefined, null], { __proto__: { polluted: true } }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 1 }), { maxKeys: 4 }),
);

type Path = (string | number)[];

function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) {
    return [prefix, ...value.flatMap((item, i) => leafPaths(item, [...prefix, i]))].filter(
      (p) => p.length > 0,
    );
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...leafPaths(item, [...prefix, key]),
    ]);
  }
  return [];
}

function withChange(base: unknown, path: Path, change: { set: unknown } | { remove: true }): unknown {
  const copy = structuredClone(base);
  let parent: unknown = copy;
  for (const key of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown>)[key];
  }
  const last = path.at(-1) ?? "";
  const holder = parent as Record<string | number, unknown>;
  if ("set" in change) {
    holder[last] = change.set;
  } else if (Array.isArray(holder)) {
    holder.splice(Number(last), 1);
  } else {
    delete holder[last];
  }
  return copy;
}

/** Inputs derived from a valid one by one bad change, or junk altogether. */
function badInputs(procedure: Procedure): fc.Arbitrary<unknown> {
  const base = validInput(procedure, (_path, entity) => ids[entity] ?? ids.company ?? "");
  const paths = leafPaths(base);
  const whole = junk;
  if (paths.length === 0) {
    return whole;
  }
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    fc.record({ path, value: junk }).map(({ path: p, value }) => withChange(base, p, { set: value })),
    path.map((p) => withChange(base, p, { remove: true })),
    whole,
  );
}

interface Refusal {
  status: number;
  code: string;
  issues: { path: string; code: string; message: string }[];
  body: string;
}

async function refusal(promise: Promise<unknown>): Promise<Refusal | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (!(error instanceof TRPCClientError)) {
      throw error;
    }
    const data = (error.data ?? {}) as { code?: string; httpStatus?: number; issues?: Refusal["issues"] };
    return {
      status: data.httpStatus ?? 0,
      code: data.code ?? "",
      issues: data.issues ?? [],
      body: JSON.stringify(error.shape ?? null),
    };
  }
}

describe("malformed inputs are 400 naming the fields, never a 5xx, and write nothing", () => {
  const withInput = PROCEDURES.filter((p) => p.input !== undefined);
  for (const procedure of withInput) {
    test(procedure.path, async () => {
      const schema = procedure.input;
      if (!schema) {
        throw new Error("unreachable: filtered on input");
      }
      const before = await allRows();
      await fc.assert(
        fc.asyncProperty(
          badInputs(procedure),
          fc.constantFrom("en" as const, "bn" as const),
          async (input, lang) => {
            // Invalid as sent, and as it arrives: serialising drops what only lives on a prototype
            // (`{ __proto__: { polluted: true } }` travels as `{}`, which a strict optional object accepts).
            fc.pre(
              superjsonCanSend(input) &&
                !schema.safeParse(input).success &&
                !schema.safeParse(structuredClone(input)).success,
            );
            const client = clients[lang];
            if (!client) {
              throw new Error("clients not ready");
            }
            const caller = callerFor(client, procedure.path);
            const answer = await refusal(
              procedure.type === "query" ? caller.query(input) : caller.mutate(input),
            );
            expect(answer).not.toBe("accepted");
            if (answer === "accepted") {
              return;
            }
            expect(`${answer.status} ${answer.code}`).toBe("400 BAD_REQUEST");
            expect(answer.issues.length).toBeGreaterThan(0);
            for (const issue of answer.issues) {
              expect(typeof issue.path).toBe("string");
              expect(issue.path.length).toBeGreaterThan(0);
              expect(issue.message.length).toBeGreaterThan(0);
              if (lang === "bn") {
                expect(issue.message).toMatch(/[\u0980-\u09FF]/);
              }
            }
            expect(answer.body).not.toMatch(/"stack"|at \/|\.ts:\d/);
          },
        ),
        { numRuns: RUNS },
      );
      expect(await allRows()).toEqual(before);
    });
  }
});

describe("malformed requests on the wire are 4xx, never a 5xx", () => {
  const sample = PROCEDURES.filter((p) => p.input !== undefined);

  /** Sends `body` as the input of `procedure` (query string or POST body, batched or not). */
  async function send(procedure: Procedure, body: string, batch: boolean) {
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const payload = batch ? `{"0":${body}}` : body;
    const res =
      procedure.type === "query"
        ? await rawCall(gateway.url, procedure.path, {
            search: `${batch ? "batch=1&" : ""}input=${encodeURIComponent(payload)}`,
            headers,
          })
        : await rawCall(gateway.url, procedure.path, {
            method: "POST",
            search: batch ? "batch=1" : "",
            body: payload,
            headers,
          });
    return {
      ...res,
      context: `${procedure.path} ${payload.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`,
    };
  }

  /** `acceptable`: 4xx only, or any answer but a 5xx (JSON of any shape may happen to be valid). */
  async function property(bodies: fc.Arbitrary<string>, runs: number, acceptable: "4xx" | "not 5xx") {
    const before = await allRows();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sample), bodies, fc.boolean(), async (procedure, body, batch) => {
        const res = await send(procedure, body, batch);
        if (acceptable === "4xx") {
          expect(res.status, res.context).toBeGreaterThanOrEqual(400);
        }
        expect(res.status, res.context).toBeLessThan(500);
        expect(res.text, res.context).not.toMatch(/"stack"|at \/|\.ts:\d/);
      }),
      { numRuns: runs },
    );
    expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
    if (acceptable === "4xx") {
      expect(await allRows()).toEqual(before);
    }
  }

  test("well-formed JSON of any shape (no envelope, arrays, deep nesting, odd metadata) never gets a 5xx", async () => {
    const shapes = fc.oneof(
      fc.json({ maxDepth: 3 }).filter((text) => text !== "null"),
      fc.json({ maxDepth: 2 }).map((inner) => `{"json":${inner}}`),
      fc.constantFrom(
        "[]",
        '{"json":{"a":1},"meta":{"values":{"a.b.c":["Date"]}}}',
        '{"json":{"a":[]},"meta":{"referentialEqualities":{"a":["a.0","a.0.0"]}}}',
        // Own `__proto__` keys (JSON.parse makes them): harmless data, never a prototype change.
        '{"json":{"__proto__":{"polluted":true},"a":{"__proto__":0}}}',
        `{"json":${"[".repeat(5_000)}${"]".repeat(5_000)}}`,
      ),
    );
    await property(shapes, 150, "not 5xx");
  });

  test("unparsable bodies and hostile superjson metadata are 4xx too", async () => {
    const hostile = fc.oneof(
      // Not empty: an empty `input=` is no input at all, which a procedure with a default accepts.
      fc.string({ minLength: 1, maxLength: 40 }).filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      }),
      fc.constantFrom(
        "{not json",
        "null",
        '{"json":',
        '{"json":{},"meta":{"values":{"__proto__.polluted":["undefined"]}}}',
        '{"json":{},"meta":{"values":{"constructor.prototype.x":["Date"]}}}',
        '{"json":{"a":"x"},"meta":{"values":{"a":["class","Nope"]}}}',
        '{"json":{"a":"x"},"meta":{"values":{"a":["custom","Nope"]}}}',
        '{"json":{"a":"x"},"meta":{"values":{"a":["bigint"]}}}',
        '{"json":{"a":"x"},"meta":{"values":{"a":["regexp"]}}}',
      ),
    );
    await property(hostile, 80, "4xx");
  });
});
