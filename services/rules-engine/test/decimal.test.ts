// Decimals are parsed by hand (no regular expression, no bigint unless arithmetic asks for one): they
// must read exactly what the grammar `[+-]digits[.digits]` (1-30 and 1-24 digits) reads, to the digit.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { addDec, cmpDec, type Dec, decToString, parseDec } from "../src/engine/decimal.ts";

/** The reading the engine had before the hand scan: the grammar as a regular expression, bigint mantissa. */
function reference(value: unknown): { m: bigint; s: number } | undefined {
  const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value;
  if (typeof text !== "string") {
    return undefined;
  }
  const match = /^([+-]?)(\d{1,30})(?:\.(\d{1,24}))?$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const [, sign = "", int = "", frac = ""] = match;
  return { m: BigInt(`${sign}${int}${frac}`), s: frac.length };
}

/** What a parsed decimal says: its mantissa and scale, and its safe-integer mantissa when it has one. */
function reading(dec: Dec | undefined) {
  if (!dec) {
    return undefined;
  }
  const safe = Number.isSafeInteger(Number(dec.m)) && BigInt(Number(dec.m)) === dec.m;
  expect(dec.n).toBe(safe ? Number(dec.m) : undefined);
  return { m: dec.m, s: dec.s };
}

describe("parseDec", () => {
  test("reads what the grammar reads, digit for digit", () => {
    const cases: unknown[] = [
      "0",
      "-0",
      "-0.00",
      "+7",
      " 1250.50 ",
      "007.5",
      "123456789012345",
      "1234567890123456",
      "9007199254740991",
      "9007199254740993",
      "-9007199254740993.5",
      "1".repeat(30),
      "1".repeat(31),
      `1.${"0".repeat(24)}`,
      `1.${"0".repeat(25)}`,
      "1.",
      ".5",
      "",
      "-",
      "1e5",
      "1,000",
      "১২",
      "12a",
      0,
      -0,
      7,
      -7,
      123.4,
      -123.4,
      0.1 + 0.2,
      1.000001,
      0.000001,
      0.0000015,
      123456789012.345,
      1234567890123.25,
      1e-7,
      1e21,
      2 ** 53,
      2 ** 53 + 2,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      undefined,
    ];
    for (const value of cases) {
      expect([value, reading(parseDec(value))]).toEqual([value, reference(value)]);
    }
  });

  test("agrees with the grammar on generated text and numbers (property)", () => {
    const text = fc.stringMatching(/^ ?[+-]?[0-9]{0,32}(\.[0-9]{0,26})?[0-9a.-]? ?$/);
    fc.assert(
      fc.property(text, (value) => {
        expect(reading(parseDec(value))).toEqual(reference(value));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(reading(parseDec(value))).toEqual(reference(value));
      }),
      { numRuns: 5000 },
    );
    // Fractions as facts usually are: a few places, a mantissa of up to 17 digits.
    const fraction = fc
      .tuple(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.integer({ min: 0, max: 20 }))
      .map(([m, s]) => m / 10 ** s);
    fc.assert(
      fc.property(fraction, (value) => {
        expect(reading(parseDec(value))).toEqual(reference(value));
      }),
      { numRuns: 20000 },
    );
  });

  test("a safe mantissa still computes exactly as a bigint", () => {
    const a = parseDec("0.1");
    const b = parseDec("0.2");
    if (!a || !b) {
      throw new Error("parsed");
    }
    expect(decToString(addDec(a, b))).toBe("0.3");
    expect(cmpDec(addDec(a, b), parseDec("0.3") as Dec)).toBe(0);
    expect(decToString(addDec(parseDec("9007199254740991") as Dec, parseDec(1) as Dec))).toBe(
      "9007199254740992",
    );
  });
});
