/**
 * Exact decimals for conditions and formulas: an integer mantissa and a count of decimal places
 * (`{ m: 12345n, s: 2 }` is 123.45). Never floating point; division keeps 12 places, rounded half
 * away from zero, and money leaves as two decimals rounded the same way (as @vextrus/bd does).
 */
import { fromPoisha, readPoishaNumber } from "@vextrus/bd";

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

/**
 * A parsed decimal. Its mantissa is kept as a number when it is a safe integer (almost every fact:
 * money always is, MAX_POISHA < 2^53) and becomes a bigint only when arithmetic asks for `m`: an
 * evaluation that only compares never allocates one.
 */
class Parsed implements Dec {
  readonly s: number;
  readonly n: number | undefined;
  readonly #big: bigint | undefined;
  constructor(s: number, n: number | undefined, big: bigint | undefined) {
    this.s = s;
    this.n = n;
    this.#big = big;
  }
  get m(): bigint {
    return this.#big ?? BigInt(this.n as number);
  }
}

/** Digits a number holds exactly whatever they are (10^15 < 2^53). */
const EXACT_DIGITS = 15;

/**
 * A finite fraction as String() would write it, without writing it: the fewest places s for which
 * some integer m has m / 10^s === value. With at most 15 digits (|m| < 10^15) only one such m exists
 * and it is String()'s shortest form; past that, or below 10^-6 (which String() writes with an
 * exponent the grammar refuses), undefined: the caller reads String(value).
 */
function scaledNumber(value: number): Dec | undefined {
  if (Math.abs(value) < 1e-6) {
    return undefined;
  }
  for (let s = 1; s <= EXACT_DIGITS; s++) {
    const scale = POW10_NUMBER[s] as number;
    const m = Math.round(value * scale);
    if (Math.abs(m) >= 1e15) {
      return undefined;
    }
    if (m / scale === value) {
      return new Parsed(s, m, undefined);
    }
  }
  return undefined;
}

/** Parses `"1234.50"`, `"-7"` or a finite number (through its shortest decimal form); undefined if it is not one. */
export function parseDec(value: unknown): Dec | undefined {
  let text: string;
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) {
      return new Parsed(0, value === 0 ? 0 : value, undefined); // -0 reads as "0", as String(-0) does
    }
    if (!Number.isFinite(value)) {
      return undefined;
    }
    const scaled = scaledNumber(value);
    if (scaled !== undefined) {
      return scaled;
    }
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    return undefined;
  }
  // What DECIMAL accepts, scanned by hand: sign, 1-30 digits, then "." and 1-24 digits.
  const end = text.length;
  const first = text.charCodeAt(0);
  const negative = first === 45; // "-"
  let i = negative || first === 43 ? 1 : 0; // "+"
  const intFrom = i;
  let n = 0;
  while (i < end) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      break;
    }
    n = n * 10 + digit;
    i++;
  }
  const intDigits = i - intFrom;
  let fracDigits = 0;
  if (i < end) {
    if (text.charCodeAt(i) !== 46) {
      return undefined; // not "."
    }
    i++;
    while (i < end) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) {
        return undefined;
      }
      n = n * 10 + digit;
      i++;
      fracDigits++;
    }
    if (fracDigits === 0) {
      return undefined;
    }
  }
  if (intDigits === 0 || intDigits > 30 || fracDigits > 24) {
    return undefined;
  }
  if (intDigits + fracDigits <= EXACT_DIGITS) {
    // n was built digit by digit below 10^15: exact.
    return new Parsed(fracDigits, negative && n !== 0 ? -n : n, undefined);
  }
  const match = DECIMAL.exec(text);
  const [, sign = "", int = "", frac = ""] = match ?? [];
  const digits = `${sign}${int}${frac}`;
  const big = BigInt(digits);
  const exact = Number(digits);
  return new Parsed(frac.length, Number.isSafeInteger(exact) ? exact : undefined, big);
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
 * A money value (`"1250.50"`, `1250.5`) as an exact two-place decimal, read by @vextrus/bd (at most
 * two decimals, within its range: always a safe integer of poisha); undefined when it is not money.
 */
export function parseMoney(value: unknown): Dec | undefined {
  const poisha = readPoishaNumber(value);
  return typeof poisha === "number" ? moneyOfPoisha(poisha) : undefined;
}

/** Poisha (a safe integer, as readPoishaNumber answers) as the two-place decimal it is. */
export const moneyOfPoisha = (poisha: number): Dec => new Parsed(2, poisha, undefined);

export const decToNumber = (a: Dec): number => Number(decToString(a));

/** Whether the value has an integral value (after trailing zeros). */
export const isIntegral = (a: Dec): boolean => a.s === 0 || a.m % pow10(a.s) === 0n;
