import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { formatBDT, Money, parseBDT } from "../src/index.ts";
import { fromPoisha, MAX_POISHA, readPoisha, readPoishaNumber } from "../src/money.ts";
import { bdError, codes, message } from "./helpers.ts";

const poisha = fc.bigInt({ min: -MAX_POISHA, max: MAX_POISHA });

describe("formatBDT", () => {
  test("lakh/crore grouping with exactly two decimals", () => {
    expect(formatBDT(12345678.5)).toBe("1,23,45,678.50");
    expect(formatBDT("12345678.5")).toBe("1,23,45,678.50");
    expect(formatBDT(0)).toBe("0.00");
    expect(formatBDT(1)).toBe("1.00");
    expect(formatBDT(999)).toBe("999.00");
    expect(formatBDT(1000)).toBe("1,000.00");
    expect(formatBDT(100000)).toBe("1,00,000.00");
    expect(formatBDT(10000000)).toBe("1,00,00,000.00");
    expect(formatBDT("99999999999.99")).toBe("99,99,99,99,999.99");
    expect(formatBDT("999999999999.99")).toBe("9,99,99,99,99,999.99");
    expect(formatBDT(-999999999999.99)).toBe("-9,99,99,99,99,999.99");
    expect(formatBDT(0.05)).toBe("0.05");
    expect(formatBDT("007.5")).toBe("7.50");
    expect(formatBDT("1.500")).toBe("1.50");
  });

  test("Bengali digits, the taka sign and negatives", () => {
    expect(formatBDT(12345678.5, { digits: "bengali" })).toBe("১,২৩,৪৫,৬৭৮.৫০");
    expect(formatBDT(12345678.5, { symbol: true })).toBe("৳1,23,45,678.50");
    expect(formatBDT(1500, { symbol: true, digits: "bengali" })).toBe("৳১,৫০০.০০");
    expect(formatBDT(-1234.5)).toBe("-1,234.50");
    expect(formatBDT(-1234.5, { symbol: true })).toBe("-৳1,234.50");
    expect(formatBDT(-0)).toBe("0.00");
    expect(formatBDT("-0.00")).toBe("0.00");
  });

  test("malformed and out-of-range amounts fail with a clear error", () => {
    expect(bdError(() => formatBDT(Number.NaN)).code).toBe("bd.money.invalid");
    expect(bdError(() => formatBDT(Number.POSITIVE_INFINITY)).code).toBe("bd.money.invalid");
    for (const bad of ["", "abc", "1,000", "1e5", ".5", "5.", "0x10", "১২"]) {
      expect(bdError(() => formatBDT(bad)).code).toBe("bd.money.invalid");
    }
    expect(bdError(() => formatBDT(1.005)).code).toBe("bd.money.precision");
    expect(bdError(() => formatBDT("1.001")).code).toBe("bd.money.precision");
    expect(bdError(() => formatBDT(1e-7)).code).toBe("bd.money.precision");
    expect(bdError(() => formatBDT("1000000000000")).code).toBe("bd.money.range");
    expect(bdError(() => formatBDT(-1000000000000)).code).toBe("bd.money.range");
    expect(bdError(() => formatBDT(1e21)).code).toBe("bd.money.range");
    const error = bdError(() => formatBDT("1000000000000.00"));
    expect(error.message).toBe(error.messageEn);
    expect(error.messageEn).toContain("9,99,99,99,99,999.99");
    expect(error.messageBn).toContain("৯,৯৯,৯৯,৯৯,৯৯,৯৯৯.৯৯");
  });
});

describe("parseBDT", () => {
  test("reads formatted strings in either digit set", () => {
    expect(parseBDT("1,23,45,678.50")).toBe("12345678.50");
    expect(parseBDT("১,২৩,৪৫,৬৭৮.৫০")).toBe("12345678.50");
    expect(parseBDT("৳১,৫০০.০০")).toBe("1500.00");
    expect(parseBDT("-৳1,234.5")).toBe("-1234.50");
    expect(parseBDT(" 1234 ")).toBe("1234.00");
    expect(parseBDT("12,345")).toBe("12345.00");
  });

  test("rejects western grouping and garbage", () => {
    for (const bad of ["1,234,567.00", "12,34", "1,,234", "৳", "", "1.234", "abc", "৳-5"]) {
      expect(bdError(() => parseBDT(bad)).code).toBe("bd.money.invalid");
    }
  });

  test("formatBDT ↔ parseBDT round trip (property)", () => {
    fc.assert(
      fc.property(poisha, fc.constantFrom("latin", "bengali" as const), fc.boolean(), (p, digits, symbol) => {
        const amount = fromPoisha(p);
        expect(parseBDT(formatBDT(amount, { digits, symbol }))).toBe(amount);
      }),
    );
  });

  test("a number and its decimal string format the same (property)", () => {
    fc.assert(
      fc.property(poisha, (p) => {
        expect(formatBDT(Number(p) / 100)).toBe(formatBDT(fromPoisha(p)));
      }),
    );
  });
});

describe("Money schema", () => {
  test("number or decimal string → two-decimal string", () => {
    expect(Money.parse(1234.5)).toBe("1234.50");
    expect(Money.parse("1234.5")).toBe("1234.50");
    expect(Money.parse(" -7 ")).toBe("-7.00");
    expect(Money.parse(0.1)).toBe("0.10");
  });

  test("bd codes on failure", () => {
    expect(codes(Money, Number.NaN)).toEqual(["bd.money.invalid"]);
    expect(codes(Money, true)).toEqual(["bd.money.invalid"]);
    expect(codes(Money, null)).toEqual(["bd.money.invalid"]);
    expect(codes(Money, 0.1 + 0.2)).toEqual(["bd.money.precision"]);
    expect(codes(Money, "1e3")).toEqual(["bd.money.invalid"]);
    expect(codes(Money, "999999999999.99")).toEqual([]);
    expect(codes(Money, "1000000000000")).toEqual(["bd.money.range"]);
    expect(message(Money, "1.234", "en")).toBe("Amount can have at most two decimals (poisha)");
    expect(message(Money, "1.234", "bn")).toContain("পয়সা");
  });
});

describe("readPoishaNumber", () => {
  /** readPoisha's answer with its bigint as a number: what readPoishaNumber must say. */
  const expected = (amount: unknown) => {
    const poisha = readPoisha(amount);
    return typeof poisha === "bigint" ? Number(poisha) : poisha;
  };

  test("reads exactly what readPoisha reads, with the same codes", () => {
    const cases: unknown[] = [
      "0",
      "-0.00",
      "+5",
      " 1250.5 ",
      "007.50",
      "1.500",
      "1.501",
      "999999999999.99",
      "-999999999999.99",
      "1000000000000.00",
      "99999999999999999999999.5",
      "1.999",
      "1.",
      ".5",
      "",
      "-",
      "+-1",
      "1,000",
      "1e5",
      "0x10",
      "১২",
      "12a",
      "1.2.3",
      1250.5,
      -0,
      0.1 + 0.2,
      1e21,
      1e-7,
      999999999999.99,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      null,
      undefined,
      true,
      10n,
    ];
    for (const amount of cases) {
      expect([amount, readPoishaNumber(amount)]).toEqual([amount, expected(amount)]);
    }
    expect(Object.is(readPoishaNumber("-0.00"), 0)).toBe(true);
  });

  test("agrees with readPoisha on every amount in range and on near-amounts (property)", () => {
    fc.assert(
      fc.property(poisha, (p) => {
        const text = fromPoisha(p);
        expect(readPoishaNumber(text)).toBe(Number(p));
        expect(readPoishaNumber(Number(text))).toBe(expected(Number(text)));
      }),
    );
    const near = fc.stringMatching(/^[ +-]?[0-9]{0,16}(\.[0-9]{0,4})?[0-9a.,-]?$/);
    fc.assert(
      fc.property(near, (text) => {
        expect(readPoishaNumber(text)).toBe(expected(text));
      }),
    );
  });
});
