import { toLatinDigits } from "./digits.ts";
import { BdError } from "./errors.ts";

/** Land units with a fixed size (the bigha differs by region: keep it as tenant data). */
export const LAND_UNITS = ["sft", "katha", "decimal", "acre"] as const;
export type LandUnit = (typeof LAND_UNITS)[number];

/** Tenths of a square foot in one of each: katha 720 sft (the Dhaka standard), decimal 435.6, acre 43,560. */
const SFT_TENTHS: Record<LandUnit, bigint> = { sft: 10n, katha: 7_200n, decimal: 4_356n, acre: 435_600n };

const AREA = /^(\d{1,12})(?:\.(\d{1,4}))?$/;

/**
 * The exact square feet of a land area: `squareFeet("2.5", "katha")` → `"1800.00"`,
 * `squareFeet(1, "decimal")` → `"435.60"` (at least two decimals, more only when needed).
 * Throws BdError `bd.land.area` for anything but a non-negative number with at most 4 decimals.
 */
export function squareFeet(area: string | number, unit: LandUnit): string {
  const match = AREA.exec(typeof area === "number" ? String(area) : toLatinDigits(area.trim()));
  if (!match) {
    throw new BdError("bd.land.area");
  }
  const [, int = "0", frac = ""] = match;
  // area = digits / 10^scale; sft = area × tenths / 10, exactly, with scale + 1 decimals.
  const scale = frac.length + 1;
  const text = (BigInt(int + frac) * SFT_TENTHS[unit]).toString().padStart(scale + 1, "0");
  const whole = text.slice(0, -scale);
  const decimals = text.slice(-scale).replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${decimals}`;
}
