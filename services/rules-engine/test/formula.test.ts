import { describe, expect, test } from "bun:test";
import { AppError } from "@vextrus/platform";
import { checkFormula, compileFormula, FormulaError } from "../src/engine/compile-formula.ts";
import { decToMoney, decToString, parseDec } from "../src/engine/decimal.ts";
import type { Runtime, Value } from "../src/engine/functions.ts";
import type { FactType } from "../src/engine/model.ts";

const FACTS: Record<string, FactType> = { amount: "money", rate: "number", zero: "number", code: "string" };

function run(source: string, facts: Record<string, Value> = {}): string {
  const { tree } = checkFormula(source, {
    fact: (n) => FACTS[n],
    output: (n) => (n === "base" ? "decimal" : undefined),
  });
  const rt: Runtime = { facts, outputs: new Map([["base", parseDec("100")]]), day: "2025-07-01" };
  const value = compileFormula(tree, "test")(rt);
  if (typeof value !== "object") {
    throw new Error("not a decimal");
  }
  return decToString(value);
}

describe("formulas", () => {
  test.each([
    ["2 + 3 * 4", "14"],
    ["2 + 3 × 4", "14"],
    ["(2 + 3) * 4", "20"],
    ["10 - 4 - 3", "3"],
    ["100 / 10 / 2", "5"],
    ["12 ÷ 4 − 1", "2"],
    ["-2 * 3", "-6"],
    ["-(2 + 3) * -1", "5"],
    ["10 / 4", "2.5"],
    ["1 / 3", "0.333333333333"],
    ["0.1 + 0.2", "0.3"],
    ["min(5, 2.5, 7)", "2.5"],
    ["max(5, 2.5, 7)", "7"],
    ["round(2.345)", "2.35"],
    ["round(-2.345)", "-2.35"],
    ["round(2.344)", "2.34"],
    ["round(1.23456, 3)", "1.235"],
    ["round(2.5, 0)", "3"],
    ["percent(750000, 15)", "112500"],
    ["percent(1000, 7.5)", "75"],
    ["out.base * 2", "200"],
  ])("%s = %s", (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  test("facts are exact decimals: money × rate keeps every poisha", () => {
    expect(run("amount * rate / 100", { amount: parseDec("750000.01"), rate: parseDec("15") })).toBe(
      "112500.0015",
    );
    expect(decToMoney(parseDec("112500.005") ?? { m: 0n, s: 0 })).toBe("112500.01");
  });

  test("division by zero is a clear VALIDATION error, not Infinity", () => {
    let caught: unknown;
    try {
      run("amount / zero", { amount: parseDec("10"), zero: parseDec("0") });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe("rules.formula.division_by_zero");
    expect((caught as AppError).text.en).toBe("test: division by zero");
  });

  test("a missing fact names the fact", () => {
    let caught: unknown;
    try {
      run("amount + 1");
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).field).toBe("facts.amount");
  });

  test.each([
    ["2 +", "rules.formula.syntax"],
    ["(2 + 3", "rules.formula.syntax"],
    ["2 $ 3", "rules.formula.syntax"],
    ["unknownFact + 1", "rules.formula.unknown_fact"],
    ["nosuch(1)", "rules.formula.unknown_function"],
    ["constructor(1)", "rules.formula.unknown_function"],
    ["round()", "rules.formula.arity"],
    ["percent(1)", "rules.formula.arity"],
    ["amount + code", "rules.formula.type"],
    ["out.missing + 1", "rules.formula.unknown_output"],
  ])("%s is refused before it runs (%s)", (source, code) => {
    let caught: unknown;
    try {
      run(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FormulaError);
    expect((caught as FormulaError).code).toBe(code);
  });
});
