import { invalidField } from "@vextrus/platform";
import { addDec, type Dec, divDec, mulDec, negDec, subDec } from "./decimal.ts";
import { type FormulaNode, FormulaSyntaxError, parseFormula } from "./formula.ts";
import { FUNCTIONS, type Runtime, type Value, type ValueType } from "./functions.ts";
import type { FactType } from "./model.ts";

export type Evaluator = (rt: Runtime) => Value;

/** A formula fault found before it runs: the message and the character it points at. */
export class FormulaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, pos: number) {
    super(`${message} (character ${pos + 1})`);
    this.code = code;
  }
}

export interface TypeScope {
  fact(name: string): FactType | undefined;
  /** The type of an output set before this formula runs, or undefined if none is. */
  output(name: string): ValueType | undefined;
}

export const valueTypeOf = (type: FactType): ValueType =>
  type === "money" || type === "number" ? "decimal" : type === "boolean" ? "boolean" : "string";

/** Checks a formula's tree against the facts and outputs in scope; returns its result type. */
export function typeOf(node: FormulaNode, scope: TypeScope): ValueType {
  switch (node.k) {
    case "num":
      return "decimal";
    case "str":
      return "string";
    case "fact": {
      const type = scope.fact(node.name);
      if (!type) {
        throw new FormulaError("rules.formula.unknown_fact", `Unknown fact "${node.name}"`, node.pos);
      }
      return valueTypeOf(type);
    }
    case "out": {
      const type = scope.output(node.name);
      if (!type) {
        throw new FormulaError(
          "rules.formula.unknown_output",
          `No earlier rule or action sets the output "${node.name}"`,
          node.pos,
        );
      }
      return type;
    }
    case "neg":
      expectType(node.arg, scope, "decimal");
      return "decimal";
    case "bin":
      expectType(node.left, scope, "decimal");
      expectType(node.right, scope, "decimal");
      return "decimal";
    case "call": {
      if (node.fn === "coalesce") {
        const [a, b] = node.args;
        if (!a || !b || node.args.length !== 2) {
          throw new FormulaError("rules.formula.arity", "coalesce() takes 2 arguments", node.pos);
        }
        const type = typeOf(a, scope);
        expectType(b, scope, type);
        return type;
      }
      const spec = FUNCTIONS[node.fn];
      if (!spec || !Object.hasOwn(FUNCTIONS, node.fn)) {
        throw new FormulaError("rules.formula.unknown_function", `Unknown function "${node.fn}"`, node.pos);
      }
      const max = spec.variadic ? 50 : spec.params.length;
      if (node.args.length < spec.required || node.args.length > max) {
        throw new FormulaError(
          "rules.formula.arity",
          `${node.fn}() takes ${spec.required === max ? max : `${spec.required} to ${max}`} arguments`,
          node.pos,
        );
      }
      node.args.forEach((arg, i) => {
        expectType(arg, scope, spec.params[Math.min(i, spec.params.length - 1)] ?? "decimal");
      });
      return spec.result;
    }
  }
}

function expectType(node: FormulaNode, scope: TypeScope, want: ValueType): void {
  const got = typeOf(node, scope);
  if (got !== want) {
    throw new FormulaError("rules.formula.type", `Expected a ${want} here, found a ${got}`, node.pos);
  }
}

/** Parses and type-checks; FormulaSyntaxError becomes a FormulaError. */
export function checkFormula(source: string, scope: TypeScope): { tree: FormulaNode; type: ValueType } {
  let tree: FormulaNode;
  try {
    tree = parseFormula(source);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) {
      throw new FormulaError(
        "rules.formula.syntax",
        error.message.replace(/ at character \d+$/, ""),
        error.pos,
      );
    }
    throw error;
  }
  return { tree, type: typeOf(tree, scope) };
}

const missingFact = (name: string, label: string) =>
  invalidField(`facts.${name}`, "rules.fact.missing", {
    en: `The fact ${name} is needed by ${label}`,
    bn: `${label}-এর জন্য ${name} তথ্যটি প্রয়োজন`,
  });

/**
 * Turns a checked tree into nested closures. `required` says whether a missing fact is an error
 * here (it is, except as an optional function argument or coalesce's first argument).
 */
export function compileFormula(node: FormulaNode, label: string, required = true): Evaluator {
  switch (node.k) {
    case "num": {
      const value = node.value;
      return () => value;
    }
    case "str": {
      const value = node.value;
      return () => value;
    }
    case "fact": {
      const name = node.name;
      return required
        ? (rt) => {
            const value = rt.facts[name];
            if (value === undefined) {
              throw missingFact(name, label);
            }
            return value;
          }
        : (rt) => rt.facts[name];
    }
    case "out": {
      const name = node.name;
      return (rt) => {
        const value = rt.outputs.get(name);
        if (value === undefined) {
          throw invalidField("facts", "rules.output.missing", {
            en: `${label}: the output ${name} was not set by any matching rule`,
            bn: `${label}: কোনো মিলে যাওয়া নিয়ম ${name} আউটপুট নির্ধারণ করেনি`,
          });
        }
        return value;
      };
    }
    case "neg": {
      const arg = compileFormula(node.arg, label);
      return (rt) => negDec(arg(rt) as Dec);
    }
    case "bin":
      return compileBinary(
        node.op,
        compileFormula(node.left, label),
        compileFormula(node.right, label),
        label,
      );
    case "call": {
      if (node.fn === "coalesce") {
        const first = compileFormula(node.args[0] ?? node, label, false);
        const second = compileFormula(node.args[1] ?? node, label);
        return (rt) => first(rt) ?? second(rt);
      }
      const spec = FUNCTIONS[node.fn];
      if (!spec) {
        throw new Error(`unchecked formula: ${node.fn}`);
      }
      const args = node.args.map((arg, i) => compileFormula(arg, label, i < spec.required));
      return (rt) =>
        spec.run(
          args.map((arg) => arg(rt)),
          rt,
          label,
        );
    }
  }
}

function compileBinary(
  op: "+" | "-" | "*" | "/",
  left: Evaluator,
  right: Evaluator,
  label: string,
): Evaluator {
  switch (op) {
    case "+":
      return (rt) => addDec(left(rt) as Dec, right(rt) as Dec);
    case "-":
      return (rt) => subDec(left(rt) as Dec, right(rt) as Dec);
    case "*":
      return (rt) => mulDec(left(rt) as Dec, right(rt) as Dec);
    case "/":
      return (rt) => {
        const quotient = divDec(left(rt) as Dec, right(rt) as Dec);
        if (!quotient) {
          throw invalidField("facts", "rules.formula.division_by_zero", {
            en: `${label}: division by zero`,
            bn: `${label}: শূন্য দিয়ে ভাগ করা যায় না`,
          });
        }
        return quotient;
      };
  }
}
