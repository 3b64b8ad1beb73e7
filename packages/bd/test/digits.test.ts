import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { toBengaliDigits, toLatinDigits } from "../src/index.ts";

const mixed = fc.string({
  unit: fc.oneof(fc.constantFrom(..."0123456789০১২৩৪৫৬৭৮৯ -.,৳"), fc.string({ minLength: 1, maxLength: 1 })),
});

describe("digits", () => {
  test("converts each digit and keeps everything else", () => {
    expect(toBengaliDigits("0123456789")).toBe("০১২৩৪৫৬৭৮৯");
    expect(toLatinDigits("০১২৩৪৫৬৭৮৯")).toBe("0123456789");
    expect(toBengaliDigits("Tk 1,23,456.50 ৳")).toBe("Tk ১,২৩,৪৫৬.৫০ ৳");
    expect(toLatinDigits("০১৭১২-৩৪৫ abc")).toBe("01712-345 abc");
    expect(toBengaliDigits("")).toBe("");
  });

  test("round trips (property)", () => {
    fc.assert(
      fc.property(mixed, (s) => {
        expect(toLatinDigits(toBengaliDigits(s))).toBe(toLatinDigits(s));
        expect(toBengaliDigits(toLatinDigits(s))).toBe(toBengaliDigits(s));
        expect(toLatinDigits(toBengaliDigits(s))).not.toMatch(/[০-৯]/);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789") }), (s) => {
        expect(toLatinDigits(toBengaliDigits(s))).toBe(s);
        expect(toBengaliDigits(s)).toHaveLength(s.length);
      }),
    );
  });
});
