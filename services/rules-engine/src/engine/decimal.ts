/**
 * Exact decimals for conditions and formulas: an integer mantissa and a count of decimal places
 * (`{ m: 12345n, s: 2 }` is 123.45). Never floating point; division keeps 12 places, rounded half
 * away from zero, and money leaves as two decimals rounded the same way (as @vextrus/bd does).
 */
import { fromPoisha, toPoisha } from "@vextrus/bd";

export interface Dec {
  readonly m: bigint;
  readonly s: number;
  /** The mantissa as a number when it is a safe integer (set by parsing): comparisons use it. */
  readonly n?: number;
}

/** Places kept by division and by products that would grow beyond it. */
export const MAX_SCALE = 12;
const POW10: bigint[] = Array.from({ length: 2 * MAX_SCALE + 2 }, (_, i) => 10n ** BigInt(i));
const DECIMAL = /^([+-]?)(\d{1,30})(?:\.(\d{1,24}))?$/;

const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);
/** 10^0 … 10^15 as numbers (exact). */
const POW10_NUMBER: number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

/** Parses `"1234.50"`, `"-7"` or a finite number (through its shortest decimal form); undefined if it is not one. */
export function parseDec(value: unknown): Dec | undefined {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      return undefined;
    }
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    return undefined;
  }
  const [, sign = "", int = "", frac = ""] = match;
  const digits = `${sign}${int}${frac}`;
  const n = Number(digits);
  return Number.isSafeInteger(n)
    ? { m: BigInt(digits), s: frac.length, n }
    : { m: BigInt(digits), s: frac.length };
}

export const decOf = (n: bigint, s = 0): Dec => ({ m: n, s });
export const ZERO: Dec = { m: 0n, s: 0 };

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.s === b.s) {
    return [a.m, b.m, a.s];
  }
  return a.s > b.s ? [a.m, b.m * pow10(a.s - b.s), a.s] : [a.m * pow10(b.s - a.s), b.m, b.s];
}

/** n / d rounded half away from zero (d ≠ 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  let q = an / ad;
  if (2n * (an % ad) >= ad) {
    q += 1n;
  }
  return negative ? -q : q;
}

/** Rounds to `places` decimals, half away from zero. */
export function roundDec(a: Dec, places: number): Dec {
  if (a.s <= places) {
    return a;
  }
  return { m: divRound(a.m, pow10(a.s - places)), s: places };
}

/** -1, 0 or 1; equal scales (the common case: money against money) compare without scaling. */
export function cmpDec(a: Dec, b: Dec): number {
  if (a.n !== undefined && b.n !== undefined) {
    // Safe integers compare exactly as numbers, and much faster than bigints; at another scale, as
    // long as the scaled mantissa stays a safe integer.
    const x = a.s >= b.s ? a.n : a.n * (POW10_NUMBER[b.s - a.s] ?? Number.NaN);
    const y = b.s >= a.s ? b.n : b.n * (POW10_NUMBER[a.s - b.s] ?? Number.NaN);
    if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) {
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  let x = a.m;
  let y = b.m;
  if (a.s > b.s) {
    y *= pow10(a.s - b.s);
  } else if (a.s < b.s) {
    x *= pow10(b.s - a.s);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addDec(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x + y, s };
}

export function subDec(a: Dec, b: Dec): Dec {
  const [x, y, s] = align(a, b);
  return { m: x - y, s };
}

export function mulDec(a: Dec, b: Dec): Dec {
  return roundDec({ m: a.m * b.m, s: a.s + b.s }, MAX_SCALE);
}

/** a / b to MAX_SCALE places; undefined when b is zero (the caller reports it). */
export function divDec(a: Dec, b: Dec): Dec | undefined {
  if (b.m === 0n) {
    return undefined;
  }
  // a / b = a.m·10^b.s / (b.m·10^a.s); scaled to MAX_SCALE places.
  const shift = MAX_SCALE + b.s - a.s;
  const num = shift >= 0 ? a.m * pow10(shift) : a.m;
  const den = shift >= 0 ? b.m : b.m * pow10(-shift);
  return { m: divRound(num, den), s: MAX_SCALE };
}

export const negDec = (a: Dec): Dec => ({ m: -a.m, s: a.s });

/** Canonical text without trailing zeros: `{ m: 150n, s: 2 }` → `"1.5"`. */
export function decToString(a: Dec): string {
  const negative = a.m < 0n;
  const digits = (negative ? -a.m : a.m).toString().padStart(a.s + 1, "0");
  const int = digits.slice(0, digits.length - a.s);
  const frac = digits.slice(digits.length - a.s).replace(/0+$/, "");
  return `${negative ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
}

/** Two-decimal money text, rounded half away from zero: `"112500.00"` (written by @vextrus/bd). */
export function decToMoney(a: Dec): string {
  const r = roundDec(a, 2);
  return fromPoisha(r.s === 2 ? r.m : r.m * pow10(2 - r.s));
}

/**
 * A money value (`"1250.50"`, `1250.5`) as an exact two-place decimal, parsed by @vextrus/bd (at most
 * two decimals, within its range); undefined when it is not money.
 */
export function parseMoney(value: unknown): Dec | undefined {
  if (typeof value !== "number" && typeof value !== "string") {
    return undefined;
  }
  let poisha: bigint;
  try {
    poisha = toPoisha(value);
  } catch {
    return undefined;
  }
  const n = Number(poisha);
  return Number.isSafeInteger(n) ? { m: poisha, s: 2, n } : { m: poisha, s: 2 };
}

export const decToNumber = (a: Dec): number => Number(decToString(a));

/** Whether the value has an integral value (after trailing zeros). */
export const isIntegral = (a: Dec): boolean => a.s === 0 || a.m % pow10(a.s) === 0n;
