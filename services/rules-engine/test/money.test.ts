// Money facts and money outputs go through @vextrus/bd, the one money parser: the engine accepts what
// `Money` accepts and refuses what it refuses, within the same range.
import { describe, expect, test } from "bun:test";
import { Money } from "@vextrus/bd";
import { operandOf } from "../src/engine/conditions.ts";
import { decToMoney, parseDec } from "../src/engine/decimal.ts";

describe("money in the rules engine is @vextrus/bd's", () => {
  test("a money fact is read exactly when, and only when, Money accepts it", () => {
    const cases: unknown[] = [
      "750000",
      "750000.5",
      "750000.50",
      "1.500",
      " 12.30 ",
      "+7",
      "-0.01",
      1250.5,
      0,
      "999999999999.99",
      "1000000000000.00",
      "12345678901234567890",
      "1.005",
      "1e5",
      1e21,
      "",
      "abc",
      "৳100",
      true,
      null,
    ];
    for (const value of cases) {
      const money = Money.safeParse(value);
      const operand = operandOf("money", value);
      if (money.success) {
        expect(operand).toEqual(parseDec(money.data));
      } else {
        expect(operand).toBeUndefined();
      }
    }
  });

  test("money outputs are bd's canonical two-decimal strings, rounded half away from zero", () => {
    expect(decToMoney({ m: 1125005n, s: 3 })).toBe("1125.01");
    expect(decToMoney({ m: -1125005n, s: 3 })).toBe("-1125.01");
    expect(decToMoney({ m: 5n, s: 0 })).toBe("5.00");
    expect(decToMoney({ m: -4n, s: 2 })).toBe("-0.04");
  });
});
