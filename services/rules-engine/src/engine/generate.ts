/**
 * The conditions of the rules in effect, generated into one JavaScript function per set and day
 * (`new Function`, cached with the set). Nothing a tenant wrote becomes source text: the source is
 * built only from the validated tree's shape, leaf and rule indexes, comparison operators from a
 * fixed table and numbers the engine parsed itself (safe integers); fact names, strings and lists
 * reach the function as arrays of values, and the facts come in as an array (the set's factNames
 * order), read by position. Every leaf runs (no short-circuit), so its result is
 * recorded: one bit per leaf and per rule, packed into 32-bit words written into the run's own
 * array after its facts (no array of their own), from which the trace is rendered when it is read
 * (a typed array per evaluation cost more than the conditions).
 */
import type { CompiledLeaf, ConditionShape } from "./conditions.ts";
import { type Dec, moneyOfPoisha } from "./decimal.ts";

/**
 * Reads the prepared facts at the start of the run's array (the set's factNames order; money as its
 * poisha, a number) and writes the results as bits from index `bitsFrom`: leaf g is bit g % 32 of
 * word `bitsFrom + g / 32`; rule r is bit r % 32 of word `bitsFrom + leafWords + r / 32`.
 */
export type SetConditions = (run: unknown[]) => void;

/** Whether bit `i` of the words starting at `from` is set. */
export const bitAt = (words: readonly number[], from: number, i: number): boolean =>
  (((words[from + (i >>> 5)] ?? 0) >>> (i & 31)) & 1) === 1;

/** Words for `bits` bits. */
export const wordsFor = (bits: number) => (bits + 31) >>> 5;

/** 10^0 … 10^15 as numbers (exact). */
const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * A prepared decimal's mantissa at `s` places when it is a safe integer there, else undefined: a
 * fact with fewer places is scaled up (exactly: an integer product below 2^53), one with more is
 * left to the general comparison.
 */
export function mantissaAt(d: Dec, s: number): number | undefined {
  const n = d.n;
  if (n === undefined || d.s > s) {
    return undefined;
  }
  if (d.s === s) {
    return n;
  }
  const up = n * (POW10[s - d.s] ?? Number.NaN);
  return Number.isSafeInteger(up) ? up : undefined;
}

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
  constructor(
    readonly factIndex: ReadonlyMap<string, number>,
    /** The money facts: prepared as poisha (numbers), made a decimal only for the general path. */
    readonly money: ReadonlySet<string>,
    /** Per fact, the places its decimal comparisons are made at (the most any of its literals has). */
    readonly places: ReadonlyMap<string, number>,
  ) {}
  /** The local holding a fact, or `undefined` for a fact the set does not read (it is missing). */
  fact(name: string): string | undefined {
    const i = this.factIndex.get(name);
    if (i === undefined) {
      return undefined;
    }
    return this.#declare(`x${i}`, this.head, `f[${i}]`);
  }
  /** The fact as its compiled tests read it (a decimal, a string or a boolean). */
  operand(name: string, x: string): string {
    return this.money.has(name) ? `D(${x})` : x;
  }
  /** The fact's mantissa when it is a safe integer at scale `s`, else undefined (the general path). */
  mantissa(name: string, x: string, s: number): string {
    if (this.money.has(name)) {
      // Poisha are the mantissa at 2 places; at more places they are scaled up (the literal had them).
      return s === 2
        ? x
        : this.#declare(`${x}s${s}`, this.head, `${x} === undefined ? undefined : U(D(${x}), ${s})`);
    }
    return this.#declare(
      `${x}s${s}`,
      this.head,
      `${x} === undefined ? undefined : ${x}.s === ${s} ? ${x}.n : U(${x}, ${s})`,
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

/**
 * `factIndex`: each fact's position in the run's array; `bitsFrom`: where the function writes the
 * bits in it.
 */
export function generateConditions(
  rules: readonly GeneratedRule[],
  factIndex: ReadonlyMap<string, number>,
  money: ReadonlySet<string>,
  bitsFrom: number,
): SetConditions {
  const places = comparisonPlaces(rules);
  for (const name of money) {
    // Poisha are a money fact's mantissa at 2 places: compared there, integer literals (`lte 1500`)
    // keep the plain comparison instead of a decimal made for the general path.
    places.set(name, Math.max(2, places.get(name) ?? 2));
  }
  const src = new Source(factIndex, money, places);
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
    ...[...pack("l", offset), ...pack("m", rules.length)].map((word, w) => `f[${bitsFrom + w}] = ${word};`),
    "};",
  ].join("\n");
  // Arguments: T each leaf's compiled test (the general path), K constants, U mantissaAt, D money
  // from poisha.
  return new Function("T", "K", "U", "D", source)(
    src.tests,
    src.constants,
    mantissaAt,
    moneyOfPoisha,
  ) as SetConditions;
}

/**
 * The safe-integer literal of a decimal comparison, or undefined (the general path only).
 */
const fastLiteral = (leaf: CompiledLeaf): Dec | undefined =>
  NUMERIC[leaf.op] &&
  leaf.decimal?.n !== undefined &&
  Number.isSafeInteger(leaf.decimal.n) &&
  Number.isInteger(leaf.decimal.s) &&
  leaf.decimal.s >= 0 &&
  leaf.decimal.s < POW10.length
    ? leaf.decimal
    : undefined;

/**
 * Per fact, the most places among the literals it is compared with: every comparison of the fact
 * is made at those places (`qty > 5` and `qty <= 2.5` both at one place), so one mantissa per fact
 * serves them all and a fact written with fewer places (`score: 80` against `79.5`) still takes
 * the fast path.
 */
function comparisonPlaces(rules: readonly GeneratedRule[]): Map<string, number> {
  const places = new Map<string, number>();
  for (const rule of rules) {
    for (const leaf of rule.leaves) {
      const literal = fastLiteral(leaf);
      if (literal !== undefined) {
        places.set(leaf.fact, Math.max(places.get(leaf.fact) ?? 0, literal.s));
      }
    }
  }
  return places;
}

/** One leaf as an expression of its fact's local. Only indexes and engine-parsed numbers are written. */
function leafExpression(leaf: CompiledLeaf, g: number, src: Source): string {
  const x = src.fact(leaf.fact);
  if (x === undefined) {
    return "false"; // a missing fact makes every operator false, `exists` too
  }
  const general = `(${x} !== undefined && ${src.test(g, leaf.test)}(${src.operand(leaf.fact, x)}))`;
  const literal = fastLiteral(leaf);
  if (literal !== undefined) {
    // Prepared decimals carry `n` (the mantissa as a safe integer): compared at the fact's places,
    // the literal scaled up to them (exactly, or the general path).
    const s = src.places.get(leaf.fact) ?? literal.s;
    const n = (literal.n as number) * (POW10[s - literal.s] ?? Number.NaN);
    if (!Number.isSafeInteger(n)) {
      return general;
    }
    const xn = src.mantissa(leaf.fact, x, s);
    if (xn === x) {
      return `(${x} !== undefined && ${x} ${NUMERIC[leaf.op]} ${n})`; // money: poisha, always safe
    }
    return `(${xn} !== undefined ? ${xn} ${NUMERIC[leaf.op]} ${n} : ${general})`;
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
