import { type DateInput, isoDate } from "./dates.ts";
import { BdError } from "./errors.ts";
import { type Amount, checkRange, divRound, fromPoisha, toPoisha } from "./money.ts";
import {
  type SqftBand,
  TDS_CATEGORIES,
  TDS_TABLES,
  type TdsCategory,
  VAT_CATEGORIES,
  VAT_TABLES,
  type VatCategory,
  VDS_CATEGORIES,
  VDS_TABLES,
  type VdsCategory,
} from "./tax-tables.ts";

/** A rate is kept as an exact integer: the percentage times 10^6. */
const RATE_SCALE = 1_000_000n;
const HUNDRED_PERCENT = 100n * RATE_SCALE;

function scaledRate(rate: number): bigint {
  const match =
    typeof rate === "number" && rate <= 1000 ? /^(\d+)(?:\.(\d{1,4}))?$/.exec(String(rate)) : null;
  if (!match) {
    throw new BdError("bd.tax.rate", { rate: String(rate) });
  }
  return BigInt(match[1] ?? "0") * RATE_SCALE + BigInt((match[2] ?? "").padEnd(6, "0"));
}

function rateNumber(scaled: bigint): number {
  const frac = String(scaled % RATE_SCALE)
    .padStart(6, "0")
    .replace(/0+$/, "");
  return Number(`${scaled / RATE_SCALE}${frac ? `.${frac}` : ""}`);
}

/** `rate` percent of an amount, rounded half away from zero to the poisha. */
function percentOf(poisha: bigint, rate: bigint): bigint {
  return divRound(poisha * rate, HUNDRED_PERCENT);
}

export interface VatInput {
  value: Amount;
  /** VAT rate in percent; default 15 (reduced rates: 5, 7.5, 10). */
  rate?: number;
  /** Supplementary duty rate in percent; default 0. */
  sdRate?: number;
  /** True when `value` already includes SD and VAT and is to be split back. */
  inclusive?: boolean;
}

export interface VatResult {
  value: string;
  sd: string;
  vat: string;
  total: string;
}

/**
 * VAT with supplementary duty: SD is charged on the value, VAT on value + SD.
 * Inclusive amounts are split so that value + sd + vat equals the given total exactly.
 */
export function vat({ value, rate = 15, sdRate = 0, inclusive = false }: VatInput): VatResult {
  const amount = toPoisha(value);
  const vatRate = scaledRate(rate);
  const sdScaled = scaledRate(sdRate);
  let net = amount;
  let sd: bigint;
  let vatAmount: bigint;
  if (inclusive) {
    vatAmount = divRound(amount * vatRate, HUNDRED_PERCENT + vatRate);
    sd = divRound((amount - vatAmount) * sdScaled, HUNDRED_PERCENT + sdScaled);
    net = amount - vatAmount - sd;
  } else {
    sd = percentOf(amount, sdScaled);
    vatAmount = percentOf(amount + sd, vatRate);
  }
  return {
    value: fromPoisha(net),
    sd: fromPoisha(sd),
    vat: fromPoisha(checkRange(vatAmount)),
    total: fromPoisha(checkRange(net + sd + vatAmount)),
  };
}

export interface RateResult {
  /** Percentage applied, e.g. 10.5. */
  rate: number;
  amount: string;
}

function tableInForce<T extends { from: string | null }>(
  tables: readonly T[],
  date: DateInput,
  kind: string,
): T {
  const day = isoDate(date);
  const table = tables.findLast((t) => t.from === null || t.from <= day);
  if (!table) {
    throw new BdError("bd.tax.no_table", { kind, date: day, earliest: tables[0]?.from ?? "-" });
  }
  return table;
}

function checkCategory<C extends string>(categories: readonly C[], category: string, kind: string): C {
  const found = categories.find((c) => c === category);
  if (found === undefined) {
    throw new BdError("bd.tax.category", { kind, category: String(category) });
  }
  return found;
}

function bandRate(bands: readonly SqftBand[], sqft: number | undefined): number {
  if (typeof sqft !== "number" || !Number.isFinite(sqft) || sqft <= 0) {
    throw new BdError("bd.tax.sqft");
  }
  const band = bands.find((b) => b.upToSqft === null || sqft <= b.upToSqft);
  if (!band) {
    throw new BdError("bd.tax.sqft");
  }
  return band.rate;
}

export interface VdsInput {
  value: Amount;
  category: VdsCategory;
  date: DateInput;
  /** Flat size; required for `building_developer`. */
  sqft?: number;
}

/** VAT deducted at source by a withholding entity, at the rate in force on `date`. */
export function vds({ value, category, date, sqft }: VdsInput): RateResult {
  const amount = toPoisha(value);
  const known = checkCategory(VDS_CATEGORIES, category, "VDS");
  const rule = tableInForce(VDS_TABLES, date, "VDS").rates[known];
  const rate = scaledRate(typeof rule === "number" ? rule : bandRate(rule, sqft));
  return { rate: rateNumber(rate), amount: fromPoisha(percentOf(amount, rate)) };
}

export interface TdsInput {
  /** Payment excluding VAT. */
  base: Amount;
  category: TdsCategory;
  date: DateInput;
  /** Proof of return submission shown by the payee; without it the rate is multiplied by 1.5. */
  hasPsr?: boolean;
}

/** Income tax deducted at source, at the rate in force on `date`. */
export function tds({ base, category, date, hasPsr = true }: TdsInput): RateResult {
  const amount = toPoisha(base);
  const known = checkCategory(TDS_CATEGORIES, category, "TDS");
  const table = tableInForce(TDS_TABLES, date, "TDS");
  const baseRate = scaledRate(table.rates[known]);
  const rate = hasPsr ? baseRate : (baseRate * scaledRate(table.noPsrMultiplier)) / RATE_SCALE;
  return { rate: rateNumber(rate), amount: fromPoisha(percentOf(amount, rate)) };
}

/** The VAT rate of each category in force on `date`: `vatRates("2025-07-01").reduced_7_5` → `7.5`. */
export function vatRates(date: DateInput): Readonly<Record<VatCategory, number>> {
  return tableInForce(VAT_TABLES, date, "VAT").rates;
}

/**
 * The category of a VAT rate on `date` (the first that has it: 0 is `zero_rated`, not `exempt`).
 * Throws BdError `bd.tax.vat_rate` for a rate no category has then.
 */
export function vatCategoryOf(rate: number, date: DateInput): VatCategory {
  const rates = vatRates(date);
  const found = VAT_CATEGORIES.find((category) => rates[category] === rate);
  if (found === undefined) {
    throw new BdError("bd.tax.vat_rate", { rate: String(rate), date: isoDate(date) });
  }
  return found;
}

/** The highest supplementary duty rate (percent) in force on `date`. */
export function maxSdRate(date: DateInput): number {
  return tableInForce(VAT_TABLES, date, "VAT").maxSdRate;
}

/** Every VAT rate some table gives, in category order (15, 10, 7.5, 5, 0): what a rate field may hold. */
export const VAT_RATES: readonly number[] = [
  ...new Set(VAT_TABLES.flatMap((table) => VAT_CATEGORIES.map((category) => table.rates[category]))),
];
/** The highest supplementary duty rate any table allows. */
export const MAX_SD_RATE: number = Math.max(...VAT_TABLES.map((table) => table.maxSdRate));
