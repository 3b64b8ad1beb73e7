import { toLatinDigits } from "@vextrus/bd";
import { z } from "zod";

/** An exact non-negative decimal: `digits / 10^scale`. Never a float. */
export interface Decimal {
  digits: bigint;
  scale: number;
}

const DECIMAL = /^(\d{1,18})(?:\.(\d{1,12}))?$/;

/** `"0.028316846592"` → { digits: 28316846592n, scale: 12 }; undefined when it is not one. */
export function readDecimal(input: string | number): Decimal | undefined {
  const text = typeof input === "number" ? String(input) : toLatinDigits(input.trim());
  const match = DECIMAL.exec(text);
  if (!match) {
    return undefined;
  }
  const [, int = "0", frac = ""] = match;
  return { digits: BigInt(int + frac), scale: frac.length };
}

/**
 * A schema for an exact non-negative decimal (number or string, Bengali digits too) with at most
 * `places` decimals, out as a canonical string; `positive` refuses zero.
 */
export function decimalSchema(places: number, positive: boolean) {
  return z.union([z.string().max(40), z.number()]).transform((input, ctx) => {
    const value = readDecimal(input);
    if (!value || value.scale > places || (positive && value.digits === 0n)) {
      ctx.addIssue({
        code: "custom",
        message: `A ${positive ? "positive" : "non-negative"} number with at most ${places} decimals`,
        params: {
          messageBn: `${positive ? "শূন্যের বেশি" : "ঋণাত্মক নয় এমন"} সংখ্যা, দশমিকের পরে সর্বোচ্চ ${places} অঙ্ক`,
        },
      });
      return z.NEVER;
    }
    return formatDecimal(value.digits, value.scale);
  });
}

export function formatDecimal(digits: bigint, scale: number): string {
  if (scale === 0) {
    return digits.toString();
  }
  const text = digits.toString().padStart(scale + 1, "0");
  return `${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/**
 * `quantity × from / to`, exactly: the result to `places` decimals (half away from zero) and
 * whether that is the exact value (`1 m³ → cft` is 35.314666…, not exact).
 */
export function convertExactly(quantity: Decimal, from: Decimal, to: Decimal, places: number) {
  // quantity·from/to = (q·f·10^ts) / (t·10^(qs+fs))
  const numerator = quantity.digits * from.digits * 10n ** BigInt(to.scale);
  const denominator = to.digits * 10n ** BigInt(quantity.scale + from.scale);
  const scaled = numerator * 10n ** BigInt(places);
  const whole = scaled / denominator;
  const rest = scaled % denominator;
  const rounded = rest * 2n >= denominator ? whole + 1n : whole;
  return { quantity: formatDecimal(rounded, places), exact: rest === 0n };
}
