import { cmpDec, type Dec, parseDec, parseMoney } from "./decimal.ts";
import type { Value } from "./functions.ts";
import type { ConditionInput, ConditionTrace, ConditionValue, FactType, Operator } from "./model.ts";

/** A compiled condition: reads prepared facts, records every leaf's result in `trace`, answers. */
export type ConditionFn = (
  facts: Record<string, Value>,
  raw: Record<string, unknown>,
  trace: ConditionTrace[],
) => boolean;

type Test = (value: Value) => boolean;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The operators each fact type supports. */
export const OPERATORS_BY_TYPE: Record<FactType, readonly Operator[]> = {
  money: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "notIn", "between", "exists"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "notIn", "between", "exists"],
  date: ["eq", "ne", "gt", "gte", "lt", "lte", "in", "notIn", "between", "exists"],
  string: ["eq", "ne", "in", "notIn", "startsWith", "exists"],
  boolean: ["eq", "ne", "exists"],
};

/** A condition operand read as the fact's type, or undefined when it is not one. */
export function operandOf(type: FactType, value: unknown): Dec | string | boolean | undefined {
  switch (type) {
    case "money":
      return parseMoney(value);
    case "number":
      return parseDec(value);
    case "date":
      return typeof value === "string" && DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? value
        : undefined;
    case "string":
      return typeof value === "string" ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
  }
}

type Operand = Dec | string | boolean;

/** -1/0/1 between two decimals, exactly. */
const compareDecimals = (a: Operand, b: Operand): number => cmpDec(a as Dec, b as Dec);
/** -1/0/1 between strings (ISO dates order as text) or booleans. */
const compareScalars = (a: Operand, b: Operand): number => (a < b ? -1 : a > b ? 1 : 0);

function compileTest(type: FactType, op: Operator, value: ConditionValue | undefined): Test {
  const one = operandOf(type, value) ?? "";
  const list = Array.isArray(value) ? value.map((v) => operandOf(type, v) ?? "") : [];
  const present = (v: Value): v is Operand => v !== undefined;
  // Facts are prepared to their declared type, so one comparison fits every operand of this test.
  const compare = type === "money" || type === "number" ? compareDecimals : compareScalars;
  switch (op) {
    case "exists":
      return present;
    case "eq":
      return (v) => present(v) && compare(v, one) === 0;
    case "ne":
      return (v) => present(v) && compare(v, one) !== 0;
    case "gt":
      return (v) => present(v) && compare(v, one) > 0;
    case "gte":
      return (v) => present(v) && compare(v, one) >= 0;
    case "lt":
      return (v) => present(v) && compare(v, one) < 0;
    case "lte":
      return (v) => present(v) && compare(v, one) <= 0;
    case "in":
      return (v) => present(v) && list.some((item) => compare(v, item) === 0);
    case "notIn":
      return (v) => present(v) && !list.some((item) => compare(v, item) === 0);
    case "between": {
      const [low = "", high = ""] = list;
      return (v) => present(v) && compare(v, low) >= 0 && compare(v, high) <= 0;
    }
    case "startsWith": {
      const prefix = typeof value === "string" ? value : "";
      return (v) => typeof v === "string" && v.startsWith(prefix);
    }
  }
}

/** Compiles a checked condition tree. Every leaf runs (no short-circuit) so the trace is complete. */
export function compileCondition(
  node: ConditionInput,
  path: string,
  factTypes: Record<string, FactType>,
): ConditionFn {
  if ("all" in node) {
    const children = node.all.map((child, i) => compileCondition(child, `${path}.all.${i}`, factTypes));
    const count = children.length;
    return (facts, raw, trace) => {
      let ok = true;
      // Indexed loops: this is the hottest code of an evaluation.
      for (let i = 0; i < count; i++) {
        if (!(children[i] as ConditionFn)(facts, raw, trace)) {
          ok = false;
        }
      }
      return ok;
    };
  }
  if ("any" in node) {
    const children = node.any.map((child, i) => compileCondition(child, `${path}.any.${i}`, factTypes));
    const count = children.length;
    return (facts, raw, trace) => {
      let ok = false;
      for (let i = 0; i < count; i++) {
        if ((children[i] as ConditionFn)(facts, raw, trace)) {
          ok = true;
        }
      }
      return ok;
    };
  }
  if ("not" in node) {
    const child = compileCondition(node.not, `${path}.not`, factTypes);
    return (facts, raw, trace) => !child(facts, raw, trace);
  }
  const { fact, op } = node;
  const expected = node.value ?? null;
  const test = compileTest(factTypes[fact] ?? "string", op, node.value);
  return (facts, raw, trace) => {
    const result = test(facts[fact]);
    trace.push({ path, fact, op, expected, actual: raw[fact] ?? null, result });
    return result;
  };
}
