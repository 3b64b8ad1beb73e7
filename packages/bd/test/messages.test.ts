import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { Bin, bdMessage, Etin, issueCode, type Locale, Money, Nid } from "../src/index.ts";
import { BENGALI_DIGIT } from "./helpers.ts";

function firstIssue(schema: z.ZodType, input: unknown): z.core.$ZodIssue {
  const issue = schema.safeParse(input).error?.issues[0];
  if (!issue) {
    throw new Error("expected an issue");
  }
  return issue;
}

/** [schema, input, issueCode, English, Bengali] for every standard zod 4 issue code. */
const cases: [z.ZodType, unknown, string, string, string][] = [
  [z.object({ a: z.string() }), {}, "zod.invalid_type", "This field is required", "এই ঘরটি পূরণ করা আবশ্যক"],
  [z.string(), 5, "zod.invalid_type", "Expected text", "লেখা হতে হবে"],
  [z.number(), "5", "zod.invalid_type", "Expected a number", "সংখ্যা হতে হবে"],
  [
    z.string().min(3),
    "ab",
    "zod.too_small.string",
    "Must have at least 3 characters",
    "কমপক্ষে ৩টি অক্ষর থাকতে হবে",
  ],
  [z.string().min(1), "", "zod.too_small.string", "Must not be empty", "খালি রাখা যাবে না"],
  [
    z.string().length(13),
    "ab",
    "zod.too_small.string",
    "Must have exactly 13 characters",
    "ঠিক ১৩টি অক্ষর থাকতে হবে",
  ],
  [z.number().min(10), 5, "zod.too_small.number", "Must be at least 10", "কমপক্ষে ১০ হতে হবে"],
  [z.number().positive(), 0, "zod.too_small.number", "Must be greater than 0", "০-এর বেশি হতে হবে"],
  [
    z.date().min(new Date("2025-07-01T00:00:00+06:00")),
    new Date("2024-01-01"),
    "zod.too_small.date",
    "Must be on or after 2025-07-01",
    "২০২৫-০৭-০১ বা তার পরের তারিখ হতে হবে",
  ],
  [
    z.array(z.number()).min(2),
    [1],
    "zod.too_small.array",
    "Must have at least 2 items",
    "কমপক্ষে ২টি আইটেম থাকতে হবে",
  ],
  [
    z.string().max(5),
    "abcdef",
    "zod.too_big.string",
    "Must have at most 5 characters",
    "সর্বোচ্চ ৫টি অক্ষর থাকতে পারে",
  ],
  [z.number().max(100), 150, "zod.too_big.number", "Must be at most 100", "সর্বোচ্চ ১০০ হতে পারে"],
  [z.number().lt(100), 150, "zod.too_big.number", "Must be less than 100", "১০০-এর কম হতে হবে"],
  [z.email(), "x", "zod.invalid_format.email", "Invalid email address", "ইমেইল ঠিকানা সঠিক নয়"],
  [z.uuid(), "x", "zod.invalid_format.uuid", "Invalid UUID", "UUID সঠিক নয়"],
  [z.string().regex(/^a/), "b", "zod.invalid_format.regex", "Invalid format", "ফরম্যাট সঠিক নয়"],
  [
    z.string().startsWith("BD"),
    "x",
    "zod.invalid_format.starts_with",
    'Must start with "BD"',
    '"BD" দিয়ে শুরু হতে হবে',
  ],
  [z.iso.date(), "x", "zod.invalid_format.date", "Invalid date (YYYY-MM-DD)", "তারিখ (YYYY-MM-DD) সঠিক নয়"],
  [
    z.enum(["draft", "approved"]),
    "x",
    "zod.invalid_value",
    'Must be one of: "draft", "approved"',
    'এগুলোর যেকোনো একটি হতে হবে: "draft", "approved"',
  ],
  [z.literal("x"), "y", "zod.invalid_value", 'Must be "x"', '"x" হতে হবে'],
  [z.strictObject({}), { a: 1, b: 2 }, "zod.unrecognized_keys", "Unknown fields: a, b", "অজানা ঘর: a, b"],
  [z.number().multipleOf(5), 7, "zod.not_multiple_of", "Must be a multiple of 5", "৫-এর গুণিতক হতে হবে"],
  [
    z.union([z.string(), z.number()]),
    true,
    "zod.invalid_union",
    "Does not match any of the allowed forms",
    "অনুমোদিত কোনো রূপের সাথে মিলছে না",
  ],
  [
    z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]),
    { kind: "c" },
    "zod.invalid_union",
    'Must be one of: "a", "b"',
    'এগুলোর যেকোনো একটি হতে হবে: "a", "b"',
  ],
  [z.record(z.string().min(2), z.number()), { a: 1 }, "zod.invalid_key", "Invalid key", "কী সঠিক নয়"],
  [z.string().refine((s) => s === "ok", "Must be ok"), "no", "zod.custom", "Must be ok", "তথ্যটি সঠিক নয়"],
];

describe("bdMessage and issueCode for standard zod issues", () => {
  for (const [schema, input, code, en, bn] of cases) {
    test(`${code}: ${en}`, () => {
      const issue = firstIssue(schema, input);
      expect(issueCode(issue)).toBe(code);
      expect(bdMessage(issue, "en")).toBe(en);
      expect(bdMessage(issue, "bn")).toBe(bn);
    });
  }

  test("invalid_element (built by hand: zod reports set items differently)", () => {
    const issue: z.core.$ZodIssue = {
      code: "invalid_element",
      origin: "map",
      key: "k",
      issues: [],
      path: [],
      message: "x",
    };
    expect(issueCode(issue)).toBe("zod.invalid_element");
    expect(bdMessage(issue, "en")).toBe("Invalid item");
    expect(bdMessage(issue, "bn")).toBe("উপাদান সঠিক নয়");
  });

  test("an issue code zod may add later falls back to the issue's own message", () => {
    const issue = { code: "future_code", path: [], message: "Something new" } as unknown as z.core.$ZodIssue;
    expect(issueCode(issue)).toBe("zod.future_code");
    expect(bdMessage(issue, "en")).toBe("Something new");
    expect(bdMessage(issue, "bn")).toBe("তথ্যটি সঠিক নয়");
  });

  test("a custom issue may carry its own Bengali text", () => {
    const schema = z
      .string()
      .refine((s) => s === "ok", { message: "Must be ok", params: { messageBn: "ঠিক হতে হবে" } });
    expect(bdMessage(firstIssue(schema, "no"), "bn")).toBe("ঠিক হতে হবে");
  });

  test("Bengali messages use Bengali digits", () => {
    for (const [schema, input, , , bn] of cases) {
      expect(bdMessage(firstIssue(schema, input), "bn")).not.toMatch(/[0-9]/);
      expect(bn).toBe(bdMessage(firstIssue(schema, input), "bn"));
    }
    expect(bdMessage(firstIssue(z.string().min(12), ""), "bn")).toMatch(BENGALI_DIGIT);
  });
});

describe("bd issues", () => {
  test("issueCode reads params.code and bdMessage renders both languages", () => {
    const schema = z.object({ nid: Nid, tin: Etin, bin: Bin, amount: Money });
    const issues =
      schema.safeParse({ nid: "1", tin: "1234567890", bin: "123456789", amount: "1.001" }).error?.issues ??
      [];
    expect(issues.map(issueCode)).toEqual([
      "bd.nid.length",
      "bd.etin.legacy",
      "bd.bin.legacy",
      "bd.money.precision",
    ]);
    expect(issues.map((i) => i.path)).toEqual([["nid"], ["tin"], ["bin"], ["amount"]]);
    for (const issue of issues) {
      expect(bdMessage(issue, "en")).toBe(issue.message);
      const bn = bdMessage(issue, "bn");
      expect(bn).not.toBe(issue.message);
      expect(bn).toMatch(/[\u0980-\u09FF]/);
    }
  });

  test("an unknown bd-looking code is treated as a plain custom issue", () => {
    const schema = z.string().refine(() => false, { message: "Nope", params: { code: "bd.unknown.rule" } });
    const issue = firstIssue(schema, "x");
    expect(issueCode(issue)).toBe("zod.custom");
    const locales: Locale[] = ["en", "bn"];
    expect(locales.map((l) => bdMessage(issue, l))).toEqual(["Nope", "তথ্যটি সঠিক নয়"]);
  });
});
