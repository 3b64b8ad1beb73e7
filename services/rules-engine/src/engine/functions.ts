import { BdError, isoDate, type TdsCategory, tds, type VdsCategory, vat, vds } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import {
  cmpDec,
  type Dec,
  decToString,
  divDec,
  isIntegral,
  mulDec,
  parseDec,
  roundDec,
  ZERO,
} from "./decimal.ts";

/** A value while a rule set runs: decimals, strings (also dates), booleans; undefined is a missing fact. */
export type Value = Dec | string | boolean | undefined;
export type ValueType = "decimal" | "string" | "boolean";

/** What formulas can see while they run. */
export interface Runtime {
  facts: Record<string, Value>;
  outputs: Map<string, Value>;
  /** The evaluation's calendar day in Dhaka ("YYYY-MM-DD"). */
  day: string;
}

export interface FunctionSpec {
  params: ValueType[];
  /** How many leading params must be present (later ones may be missing facts). */
  required: number;
  /** The last param repeats (min/max). */
  variadic?: boolean;
  result: ValueType;
  run(args: Value[], rt: Runtime, label: string): Value;
}

const asDec = (v: Value): Dec => (typeof v === "object" ? v : ZERO);
const asString = (v: Value): string => (typeof v === "string" ? v : "");
const rate = (v: Value): number | undefined => (typeof v === "object" ? Number(decToString(v)) : undefined);
const decFromNumber = (n: number): Dec => parseDec(n) ?? ZERO;

/** @vextrus/bd is the single source of tax rates; its failures become field errors of the evaluation. */
function throughBd<T>(label: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof BdError) {
      throw invalidField("facts", error.code, {
        en: `${label}: ${error.messageEn}`,
        bn: `${label}: ${error.messageBn}`,
      });
    }
    throw error;
  }
}

const vatOf = (args: Value[], label: string) =>
  throughBd(label, () =>
    vat({ value: decToString(asDec(args[0])), rate: rate(args[1]) ?? 15, sdRate: rate(args[2]) ?? 0 }),
  );

const vdsOf = (args: Value[], rt: Runtime, label: string) =>
  throughBd(label, () =>
    vds({
      value: decToString(asDec(args[0])),
      category: asString(args[1]) as VdsCategory,
      date: typeof args[2] === "string" ? args[2] : rt.day,
      sqft: rate(args[3]),
    }),
  );

const tdsOf = (args: Value[], rt: Runtime, label: string) =>
  throughBd(label, () =>
    tds({
      base: decToString(asDec(args[0])),
      category: asString(args[1]) as TdsCategory,
      date: typeof args[2] === "string" ? args[2] : rt.day,
      hasPsr: typeof args[3] === "boolean" ? args[3] : true,
    }),
  );

const extreme = (sign: 1 | -1) => (args: Value[]) =>
  args.map(asDec).reduce((best, v) => (cmpDec(v, best) * sign > 0 ? v : best));

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  min: { params: ["decimal"], required: 1, variadic: true, result: "decimal", run: extreme(-1) },
  max: { params: ["decimal"], required: 1, variadic: true, result: "decimal", run: extreme(1) },
  /** round(x) to the poisha; round(x, places) with 0–12 places. Half away from zero. */
  round: {
    params: ["decimal", "decimal"],
    required: 1,
    result: "decimal",
    run(args, _rt, label) {
      const places = args[1] === undefined ? 2 : Number(decToString(asDec(args[1])));
      if (!Number.isInteger(places) || places < 0 || places > 12 || !isIntegral(asDec(args[1] ?? ZERO))) {
        throw invalidField("facts", "rules.formula.round_places", {
          en: `${label}: round() takes 0 to 12 decimal places`,
          bn: `${label}: round() ০ থেকে ১২ দশমিক স্থান নেয়`,
        });
      }
      return roundDec(asDec(args[0]), places);
    },
  },
  /** percent(x, r) = x × r ÷ 100 */
  percent: {
    params: ["decimal", "decimal"],
    required: 2,
    result: "decimal",
    run: (args) => divDec(mulDec(asDec(args[0]), asDec(args[1])), { m: 100n, s: 0 }) ?? ZERO,
  },
  /** The evaluation's day in Dhaka, "YYYY-MM-DD" (the `at` of the evaluation, so replays agree). */
  today: { params: [], required: 0, result: "string", run: (_args, rt) => rt.day },
  /** vat(value, vatRate = 15, sdRate = 0): VAT on value + SD, as @vextrus/bd computes it. */
  vat: {
    params: ["decimal", "decimal", "decimal"],
    required: 1,
    result: "decimal",
    run: (args, _rt, label) => parseDec(vatOf(args, label).vat),
  },
  /** sd(value, sdRate = 0, vatRate = 15): supplementary duty on the value. */
  sd: {
    params: ["decimal", "decimal", "decimal"],
    required: 1,
    result: "decimal",
    run: (args, _rt, label) => parseDec(vatOf([args[0], args[2], args[1]], label).sd),
  },
  vds: {
    params: ["decimal", "string", "string", "decimal"],
    required: 2,
    result: "decimal",
    run: (args, rt, label) => parseDec(vdsOf(args, rt, label).amount),
  },
  vdsRate: {
    params: ["decimal", "string", "string", "decimal"],
    required: 2,
    result: "decimal",
    run: (args, rt, label) => decFromNumber(vdsOf(args, rt, label).rate),
  },
  tds: {
    params: ["decimal", "string", "string", "boolean"],
    required: 2,
    result: "decimal",
    run: (args, rt, label) => parseDec(tdsOf(args, rt, label).amount),
  },
  tdsRate: {
    params: ["decimal", "string", "string", "boolean"],
    required: 2,
    result: "decimal",
    run: (args, rt, label) => decFromNumber(tdsOf(args, rt, label).rate),
  },
};

const DAY_MS = 86_400_000;
/** Dhaka is UTC+6 all year (no daylight saving). */
const DHAKA_OFFSET_MS = 6 * 3_600_000;
/** The day worked out last and the instants it spans: most evaluations fall on the same day. */
let lastDay = { from: 0, to: 0, day: "" };

/** The evaluation's day in Dhaka time. */
export function dhakaDay(at: Date): string {
  const t = at.getTime();
  if (t >= lastDay.from && t < lastDay.to) {
    return lastDay.day;
  }
  const day = isoDate(at);
  const from = Math.floor((t + DHAKA_OFFSET_MS) / DAY_MS) * DAY_MS - DHAKA_OFFSET_MS;
  lastDay = { from, to: from + DAY_MS, day };
  return day;
}
