import { toBengaliDigits, toLatinDigits } from "./digits.ts";
import { type BdCode, BdError } from "./errors.ts";

/** Taka as a number or a decimal string (`1234.5`, `"1234.50"`, `"-7"`). */
export type Amount = number | string;

/** 999,999,999,999.99 taka (9,99,99,99,99,999.99) in poisha: the largest magnitude of any amount. */
export const MAX_POISHA = 99_999_999_999_999n;

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Integer poisha of an amount, or the bd code saying why it is not one. Never uses floating point. */
export function readPoisha(amount: unknown): bigint | BdCode {
  let text: string;
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) {
      return "bd.money.invalid";
    }
    text = String(amount);
    if (text.includes("e")) {
      return Math.abs(amount) >= 1 ? "bd.money.range" : "bd.money.precision";
    }
  } else if (typeof amount === "string") {
    text = amount.trim();
  } else {
    return "bd.money.invalid";
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    return "bd.money.invalid";
  }
  const [, sign = "", int = "", frac = ""] = match;
  if (/[1-9]/.test(frac.slice(2))) {
    return "bd.money.precision";
  }
  const poisha = BigInt(int) * 100n + BigInt(frac.slice(0, 2).padEnd(2, "0"));
  if (poisha > MAX_POISHA) {
    return "bd.money.range";
  }
  return sign === "-" ? -poisha : poisha;
}

/** The largest whole taka of an amount (MAX_POISHA / 100, rounded down). */
const MAX_TAKA = 999_999_999_999;

/**
 * readPoisha's answer as a number, read without a regular expression or a bigint: every amount in
 * range is a safe integer of poisha (MAX_POISHA < 2^53), so hot paths that only compare amounts (the
 * rules engine reads one per money fact per evaluation) need neither. Same inputs accepted, same
 * codes, same precedence (invalid, then precision, then range); `-0` is 0.
 */
export function readPoishaNumber(amount: unknown): number | BdCode {
  let text: string;
  if (typeof amount === "number") {
    if (!Number.isFinite(amount)) {
      return "bd.money.invalid";
    }
    text = String(amount);
    if (text.includes("e")) {
      return Math.abs(amount) >= 1 ? "bd.money.range" : "bd.money.precision";
    }
  } else if (typeof amount === "string") {
    text = amount.trim();
  } else {
    return "bd.money.invalid";
  }
  const end = text.length;
  const first = text.charCodeAt(0);
  const negative = first === 45; // "-"
  let i = negative || first === 43 ? 1 : 0; // "+"
  const intFrom = i;
  // Past 2^53 this loses digits, but only far above MAX_TAKA, so the range check still holds.
  let taka = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      break;
    }
    taka = taka * 10 + digit;
  }
  if (i === intFrom) {
    return "bd.money.invalid";
  }
  let poisha = 0;
  let beyondPoisha = false;
  if (i < end) {
    if (text.charCodeAt(i) !== 46) {
      return "bd.money.invalid"; // not "."
    }
    const fracFrom = ++i;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) {
        return "bd.money.invalid";
      }
      const place = i - fracFrom;
      if (place === 0) {
        poisha = digit * 10;
      } else if (place === 1) {
        poisha += digit;
      } else if (digit !== 0) {
        beyondPoisha = true;
      }
    }
    if (i === fracFrom) {
      return "bd.money.invalid";
    }
  }
  if (beyondPoisha) {
    return "bd.money.precision";
  }
  if (taka > MAX_TAKA) {
    return "bd.money.range";
  }
  const total = taka * 100 + poisha;
  return negative && total !== 0 ? -total : total;
}

/** Integer poisha of an amount. Throws BdError `bd.money.invalid | range | precision`. */
export function toPoisha(amount: Amount): bigint {
  const poisha = readPoisha(amount);
  if (typeof poisha === "string") {
    throw new BdError(poisha);
  }
  return poisha;
}

/** Throws `bd.money.range` when a computed amount leaves the allowed range. */
export function checkRange(poisha: bigint): bigint {
  if (poisha > MAX_POISHA || poisha < -MAX_POISHA) {
    throw new BdError("bd.money.range");
  }
  return poisha;
}

/** `"-1234.50"`: the canonical two-decimal string of an amount in poisha. */
export function fromPoisha(poisha: bigint): string {
  const abs = poisha < 0n ? -poisha : poisha;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  return poisha < 0n ? `-${text}` : text;
}

/** n / d rounded half away from zero (d > 0). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) < d) {
    return q;
  }
  return n < 0n ? q - 1n : q + 1n;
}

/** Lakh/crore grouping of a digit string: last three digits, then pairs (`1,23,45,678`). */
function groupLakh(digits: string): string {
  if (digits.length <= 3) {
    return digits;
  }
  const head = digits.slice(0, -3);
  const pairs = head.length % 2 === 1 ? [head.charAt(0)] : [];
  for (let i = head.length % 2; i < head.length; i += 2) {
    pairs.push(head.slice(i, i + 2));
  }
  return `${pairs.join(",")},${digits.slice(-3)}`;
}

export interface FormatBDTOptions {
  digits?: "latin" | "bengali";
  symbol?: boolean;
}

/** `formatBDT(12345678.5) === "1,23,45,678.50"`; Bengali digits and a `৳` prefix on request. */
export function formatBDT(amount: Amount, options: FormatBDTOptions = {}): string {
  const poisha = toPoisha(amount);
  const [int = "0", frac = "00"] = fromPoisha(poisha < 0n ? -poisha : poisha).split(".");
  const text = `${poisha < 0n ? "-" : ""}${options.symbol ? "৳" : ""}${groupLakh(int)}.${frac}`;
  return options.digits === "bengali" ? toBengaliDigits(text) : text;
}

const FORMATTED = /^(-?)৳?(\d{1,2}(?:,\d{2})*,\d{3}|\d+)(?:\.(\d{1,2}))?$/;

/** Reads a `formatBDT` string (either digit set, optional `৳`, lakh grouping or none) → `"1234.50"`. */
export function parseBDT(s: string): string {
  const match = FORMATTED.exec(toLatinDigits(s.trim()));
  if (!match) {
    throw new BdError("bd.money.invalid");
  }
  const [, sign = "", int = "", frac = ""] = match;
  return fromPoisha(toPoisha(`${sign}${int.replaceAll(",", "")}${frac ? `.${frac}` : ""}`));
}
