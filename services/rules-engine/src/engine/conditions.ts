import { cmpDec, type Dec, parseDec, parseMoney } from "./decimal.ts";
import type { Value } from "./functions.ts";
import type { ConditionInput, ConditionValue, FactType, Operator } from "./model.ts";

export type Test = (value: Value) => boolean;

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

/** One leaf of a rule's condition: what its trace entry says, and its compiled test. */
export interface CompiledLeaf {
  path: string;
  fact: string;
  op: Operator;
  expected: ConditionValue | null;
  test: Test;
  /** The literal as a decimal, for money and number comparisons (the generated fast path). */
  decimal?: Dec;
  /** The literal of a string, date or boolean `eq` / `ne`, when it is one of the fact's type. */
  scalar?: string | boolean;
  /** The list of a string or date `in` / `notIn`, when every item is one. */
  strings?: string[];
}

/** The tree of a condition with its leaves replaced by their index in the rule's leaf list. */
export type ConditionShape =
  | { all: ConditionShape[] }
  | { any: ConditionShape[] }
  | { not: ConditionShape }
  | { leaf: number };

/**
 * Flattens a checked condition tree into its leaves (in the order the trace lists them) and its
 * shape; generate.ts turns a set's shapes into one function.
 */
export function compileCondition(
  node: ConditionInput,
  path: string,
  factTypes: Record<string, FactType>,
  leaves: CompiledLeaf[] = [],
): { leaves: CompiledLeaf[]; shape: ConditionShape } {
  if ("all" in node) {
    const all = node.all.map(
      (child, i) => compileCondition(child, `${path}.all.${i}`, factTypes, leaves).shape,
    );
    return { leaves, shape: { all } };
  }
  if ("any" in node) {
    const any = node.any.map(
      (child, i) => compileCondition(child, `${path}.any.${i}`, factTypes, leaves).shape,
    );
    return { leaves, shape: { any } };
  }
  if ("not" in node) {
    return { leaves, shape: { not: compileCondition(node.not, `${path}.not`, factTypes, leaves).shape } };
  }
  const { fact, op } = node;
  const type = factTypes[fact] ?? "string";
  const operand = operandOf(type, node.value);
  const leaf: CompiledLeaf = {
    path,
    fact,
    op,
    expected: node.value ?? null,
    test: compileTest(type, op, node.value),
  };
  if ((type === "money" || type === "number") && typeof operand === "object") {
    leaf.decimal = operand;
  }
  if (
    (type === "string" || type === "date" || type === "boolean") &&
    operand !== undefined &&
    typeof operand !== "object"
  ) {
    leaf.scalar = operand;
  }
  if ((type === "string" || type === "date") && Array.isArray(node.value)) {
    const items = node.value.map((item) => operandOf(type, item));
    if (items.every((item) => typeof item === "string")) {
      leaf.strings = items as string[];
    }
  }
  leaves.push(leaf);
  return { leaves, shape: { leaf: leaves.length - 1 } };
}
