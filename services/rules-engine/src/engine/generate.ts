/**
 * The conditions of the rules in effect, generated into one JavaScript function per set and day
 * (`new Function`, cached with the set). Nothing a tenant wrote becomes source text: the source is
 * built only from the validated tree's shape, leaf and rule indexes, comparison operators from a
 * fixed table and numbers the engine parsed itself (safe integers); fact names, strings and lists
 * reach the function as arrays of values, and the facts come in as an array (the set's factNames
 * order), read by position. Every leaf runs (no short-circuit), so its result is
 * recorded: one bit per leaf and per rule, packed into 32-bit words, from which the trace is
 * rendered when it is read (a typed array per evaluation cost more than the conditions).
 */
import type { CompiledLeaf, ConditionShape } from "./conditions.ts";
import type { Value } from "./functions.ts";

/**
 * The results as bits: leaf g is bit g % 32 of word g / 32; rule r is bit r % 32 of word
 * `leafWords + r / 32`.
 */
export type SetConditions = (facts: readonly Value[]) => number[];

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

/**
 * The pieces of one generated function: names of its closure constants (`t<g>` a leaf's compiled
 * test, `k<i>` a constant), the facts it reads (`x<i>`) and their mantissas at a scale (`x<i>s<s>`,
 * read once per call however many leaves compare them).
 */
class Source {
  readonly outer: string[] = [];
  readonly head: string[] = [];
  readonly tests: CompiledLeaf["test"][] = [];
  readonly constants: unknown[] = [];
  readonly #declared = new Set<string>();
  constructor(readonly factIndex: ReadonlyMap<string, number>) {}
  /** The local holding a fact, or `undefined` for a fact the set does not read (it is missing). */
  fact(name: string): string | undefined {
    const i = this.factIndex.get(name);
    if (i === undefined) {
      return undefined;
    }
    return this.#declare(`x${i}`, this.head, `f[${i}]`);
  }
  /** The fact's mantissa when it is a safe integer at scale `s`, else undefined (the general path). */
  mantissa(x: string, s: number): string {
    return this.#declare(
      `${x}s${s}`,
      this.head,
      `${x} !== undefined && ${x}.s === ${s} ? ${x}.n : undefined`,
    );
  }
  test(g: number, test: CompiledLeaf["test"]): string {
    this.tests[g] = test;
    return this.#declare(`t${g}`, this.outer, `T[${g}]`);
  }
  constant(value: unknown): string {
    this.constants.push(value);
    const k = this.constants.length - 1;
    return this.#declare(`k${k}`, this.outer, `K[${k}]`);
  }
  #declare(name: string, into: string[], value: string): string {
    if (!this.#declared.has(name)) {
      this.#declared.add(name);
      into.push(`const ${name} = ${value};`);
    }
    return name;
  }
}

/** `factIndex`: each fact's position in the array of facts the function is given. */
export function generateConditions(
  rules: readonly GeneratedRule[],
  factIndex: ReadonlyMap<string, number>,
): SetConditions {
  const src = new Source(factIndex);
  const lines: string[] = [];
  let offset = 0;
  rules.forEach((rule, r) => {
    rule.leaves.forEach((leaf, i) => {
      const g = offset + i;
      lines.push(`const l${g} = ${leafExpression(leaf, g, src)};`);
    });
    lines.push(`const m${r} = ${shapeExpression(rule.shape, offset)};`);
    offset += rule.leaves.length;
  });
  const pack = (prefix: string, count: number) =>
    Array.from({ length: wordsFor(count) }, (_, w) => {
      const bits = [];
      for (let b = 0; b < 32 && w * 32 + b < count; b++) {
        // A boolean shifts as 0 or 1: no branch per bit.
        bits.push(`(${prefix}${w * 32 + b} << ${b})`);
      }
      return bits.join(" | ");
    });
  const source = [
    '"use strict";',
    ...src.outer,
    "return function conditions(f) {",
    ...src.head,
    ...lines,
    `return [${[...pack("l", offset), ...pack("m", rules.length)].join(", ")}];`,
    "};",
  ].join("\n");
  // Arguments: T each leaf's compiled test (the general path), K constants.
  return new Function("T", "K", source)(src.tests, src.constants) as SetConditions;
}

/** One leaf as an expression of its fact's local. Only indexes and engine-parsed numbers are written. */
function leafExpression(leaf: CompiledLeaf, g: number, src: Source): string {
  const x = src.fact(leaf.fact);
  if (x === undefined) {
    return "false"; // a missing fact makes every operator false, `exists` too
  }
  const general = `(${x} !== undefined && ${src.test(g, leaf.test)}(${x}))`;
  const op = NUMERIC[leaf.op];
  if (op && leaf.decimal && leaf.decimal.n !== undefined) {
    const { n, s } = leaf.decimal;
    if (!Number.isSafeInteger(n) || !Number.isInteger(s)) {
      return general;
    }
    // Prepared decimals carry `n` (the mantissa as a safe integer): at the literal's scale, compare it.
    const xn = src.mantissa(x, s);
    return `(${xn} !== undefined ? ${xn} ${op} ${n} : ${general})`;
  }
  if ((leaf.op === "eq" || leaf.op === "ne") && leaf.scalar !== undefined) {
    return `(${x} !== undefined && ${x} ${leaf.op === "eq" ? "===" : "!=="} ${src.constant(leaf.scalar)})`;
  }
  if ((leaf.op === "in" || leaf.op === "notIn") && leaf.strings) {
    const any = leaf.strings.map((item) => `${x} === ${src.constant(item)}`);
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
