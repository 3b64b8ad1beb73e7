/**
 * The conditions of the rules in effect, generated into one JavaScript function per set and day
 * (`new Function`, cached with the set). Nothing a tenant wrote becomes source text: the source is
 * built only from the validated tree's shape, leaf and rule indexes, comparison operators from a
 * fixed table and numbers the engine parsed itself (safe integers); fact names, strings and lists
 * reach the function as arrays of values. Every leaf runs (no short-circuit), so its result is
 * recorded: one bit per leaf and per rule, packed into 32-bit words, from which the trace is
 * rendered when it is read (a typed array per evaluation cost more than the conditions).
 */
import type { CompiledLeaf, ConditionShape } from "./conditions.ts";
import type { Value } from "./functions.ts";

/**
 * The results as bits: leaf g is bit g % 32 of word g / 32; rule r is bit r % 32 of word
 * `leafWords + r / 32`.
 */
export type SetConditions = (facts: Record<string, Value>) => number[];

/** Whether bit `i` of the words starting at `from` is set. */
export const bitAt = (words: readonly number[], from: number, i: number): boolean =>
  (((words[from + (i >>> 5)] ?? 0) >>> (i & 31)) & 1) === 1;

/** Words for `bits` bits. */
export const wordsFor = (bits: number) => (bits + 31) >>> 5;

/** Comparisons whose decimal fast path is a plain number comparison (same scale, safe integers). */
const NUMERIC: Record<string, string> = { eq: "===", ne: "!==", gt: ">", gte: ">=", lt: "<", lte: "<=" };

export interface GeneratedRule {
  leaves: readonly CompiledLeaf[];
  shape: ConditionShape;
}

export function generateConditions(rules: readonly GeneratedRule[]): SetConditions {
  const facts: string[] = [];
  const factIndex = new Map<string, number>();
  const tests: CompiledLeaf["test"][] = [];
  const constants: unknown[] = [];
  const lines: string[] = [];
  const local = (fact: string) => {
    let i = factIndex.get(fact);
    if (i === undefined) {
      i = facts.length;
      factIndex.set(fact, i);
      facts.push(fact);
    }
    return `x${i}`;
  };
  let offset = 0;
  rules.forEach((rule, r) => {
    rule.leaves.forEach((leaf, i) => {
      const g = offset + i;
      const x = local(leaf.fact);
      tests.push(leaf.test);
      lines.push(`const l${g} = ${leafExpression(leaf, g, x, constants)};`);
    });
    lines.push(`const m${r} = ${shapeExpression(rule.shape, offset)};`);
    offset += rule.leaves.length;
  });
  const pack = (prefix: string, count: number) =>
    Array.from({ length: wordsFor(count) }, (_, w) => {
      const bits = [];
      for (let b = 0; b < 32 && w * 32 + b < count; b++) {
        bits.push(`(${prefix}${w * 32 + b} ? ${b === 31 ? "-2147483648" : 2 ** b} : 0)`);
      }
      return bits.join(" | ");
    });
  const source = [
    '"use strict";',
    "return function conditions(f) {",
    ...facts.map((_, i) => `const x${i} = f[F[${i}]];`),
    ...lines,
    `return [${[...pack("l", offset), ...pack("m", rules.length)].join(", ")}];`,
    "};",
  ].join("\n");
  // Arguments: F the fact names, T each leaf's compiled test (the general path), K constants.
  return new Function("F", "T", "K", source)(facts, tests, constants) as SetConditions;
}

/** One leaf as an expression of its fact's local `x`. Only indexes and engine-parsed numbers are written. */
function leafExpression(leaf: CompiledLeaf, g: number, x: string, constants: unknown[]): string {
  const general = `T[${g}](${x})`;
  const op = NUMERIC[leaf.op];
  if (op && leaf.decimal && leaf.decimal.n !== undefined) {
    const { n, s } = leaf.decimal;
    if (!Number.isSafeInteger(n) || !Number.isInteger(s)) {
      return general;
    }
    // Prepared decimals carry `n` (the mantissa as a safe integer): at the literal's scale, compare it.
    return `(${x} !== undefined && (${x}.s === ${s} && ${x}.n !== undefined ? ${x}.n ${op} ${n} : ${general}))`;
  }
  if ((leaf.op === "eq" || leaf.op === "ne") && leaf.scalar !== undefined) {
    constants.push(leaf.scalar);
    const k = constants.length - 1;
    return `(${x} !== undefined && ${x} ${leaf.op === "eq" ? "===" : "!=="} K[${k}])`;
  }
  if ((leaf.op === "in" || leaf.op === "notIn") && leaf.strings) {
    const any = leaf.strings.map((item) => {
      constants.push(item);
      return `${x} === K[${constants.length - 1}]`;
    });
    const hit = any.length > 0 ? `(${any.join(" || ")})` : "false";
    return `(${x} !== undefined && ${leaf.op === "in" ? hit : `!${hit}`})`;
  }
  return general;
}

function shapeExpression(shape: ConditionShape, offset: number): string {
  if ("leaf" in shape) {
    return `l${offset + shape.leaf}`;
  }
  if ("not" in shape) {
    return `!${shapeExpression(shape.not, offset)}`;
  }
  const parts = ("all" in shape ? shape.all : shape.any).map((s) => shapeExpression(s, offset));
  if (parts.length === 0) {
    // As the closures did: every() of nothing holds, some() of nothing does not.
    return "all" in shape ? "true" : "false";
  }
  return `(${parts.join("all" in shape ? " && " : " || ")})`;
}
