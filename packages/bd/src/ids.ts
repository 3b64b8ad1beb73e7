import { z } from "zod";
import { dhakaYear } from "./dates.ts";
import { compactDigits } from "./digits.ts";
import { type BdCode, bdIssue } from "./errors.ts";

/** A string schema that compacts digits (Bengali → ASCII, no spaces or dashes), then checks them. */
function digitString(digitsCode: BdCode, check: (digits: string) => BdCode | undefined) {
  return z.string().transform((input, ctx) => {
    const digits = compactDigits(input);
    if (digits === null) {
      ctx.addIssue(bdIssue(digitsCode));
      return z.NEVER;
    }
    const code = check(digits);
    if (code !== undefined) {
      ctx.addIssue(bdIssue(code));
      return z.NEVER;
    }
    return digits;
  });
}

const RMO_CODES = "123459";

function checkNid(d: string): BdCode | undefined {
  if (d.length === 10 || d.length === 13) {
    return undefined;
  }
  if (d.length !== 17) {
    return "bd.nid.length";
  }
  const year = Number(d.slice(0, 4));
  if (year < 1900 || year > dhakaYear()) {
    return "bd.nid.birth_year";
  }
  return RMO_CODES.includes(d.charAt(6)) ? undefined : "bd.nid.rmo";
}

/** National ID: 10 (smart card), 13 (old card) or 17 digits (birth year + the 13). */
export const Nid = digitString("bd.nid.digits", checkNid);
export type Nid = z.output<typeof Nid>;

export type NidKind = "smart10" | "old13" | "full17";
export interface ParsedNid {
  value: string;
  kind: NidKind;
  birthYear?: number;
  districtCode?: string;
  rmo?: number;
}

/** Parses an NID; for 17 digits also reads birth year, district and RMO code. Throws a ZodError. */
export function parseNid(s: string): ParsedNid {
  const value = Nid.parse(s);
  if (value.length === 10) {
    return { value, kind: "smart10" };
  }
  if (value.length === 13) {
    return { value, kind: "old13" };
  }
  return {
    value,
    kind: "full17",
    birthYear: Number(value.slice(0, 4)),
    districtCode: value.slice(4, 6),
    rmo: Number(value.charAt(6)),
  };
}

/** Extends a 13-digit NID to 17 digits by putting the birth year in front. Throws a ZodError. */
export function nidTo17(nid13: string, birthYear: number): string {
  const { value, kind } = parseNid(nid13);
  if (kind !== "old13") {
    throw new z.ZodError([{ ...bdIssue("bd.nid.to17"), path: [] }]);
  }
  if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > dhakaYear()) {
    throw new z.ZodError([{ ...bdIssue("bd.nid.birth_year"), path: [] }]);
  }
  return Nid.parse(`${birthYear}${value}`);
}

/** e-TIN: 12 digits. The 10-digit TIN is void since 2014-01-01 and fails with `bd.etin.legacy`. */
export const Etin = digitString("bd.etin.digits", (d) =>
  d.length === 12 ? undefined : d.length === 10 ? "bd.etin.legacy" : "bd.etin.length",
);
export type Etin = z.output<typeof Etin>;

/** BIN (VAT registration): 13 digits. 9- and 11-digit BINs are void since 2019-11-30 (`bd.bin.legacy`). */
export const Bin = digitString("bd.bin.digits", (d) =>
  d.length === 13 ? undefined : d.length === 9 || d.length === 11 ? "bd.bin.legacy" : "bd.bin.length",
);
export type Bin = z.output<typeof Bin>;

/** Postcode: 4 digits. */
export const Postcode = digitString("bd.postcode.digits", (d) =>
  d.length === 4 ? undefined : "bd.postcode.length",
);
export type Postcode = z.output<typeof Postcode>;

const MOBILE_PREFIX = /^01[3-9]/;

type MobileResult = { ok: true; e164: string } | { ok: false; code: BdCode };

/** Parentheses as written around a country or area code: `(+880) 17…`, `0(17)…`. */
const PARENTHESES = /[()]/g;

function readMobile(input: string): MobileResult {
  const s = compactDigits(
    input.includes("(") || input.includes(")") ? input.replace(PARENTHESES, " ") : input,
    true,
  );
  let national: string;
  if (s === null) {
    return { ok: false, code: "bd.mobile.format" };
  } else if (s.startsWith("+880")) {
    national = `0${s.slice(4)}`;
  } else if (s.startsWith("00880")) {
    national = `0${s.slice(5)}`;
  } else if (s.startsWith("880")) {
    national = `0${s.slice(3)}`;
  } else if (s.startsWith("0") && !s.startsWith("00")) {
    national = s;
  } else {
    return { ok: false, code: "bd.mobile.format" };
  }
  if (!MOBILE_PREFIX.test(national)) {
    const tooShort = national.length < 3 && "01".startsWith(national);
    return { ok: false, code: tooShort ? "bd.mobile.length" : "bd.mobile.prefix" };
  }
  if (national.length !== 11) {
    return { ok: false, code: "bd.mobile.length" };
  }
  return { ok: true, e164: `+880${national.slice(1)}` };
}

/** Bangladeshi mobile number (operator prefixes 013–019) → E.164 `+8801XXXXXXXXX`. */
export const BdMobile = z.string().transform((input, ctx) => {
  const result = readMobile(input);
  if (!result.ok) {
    ctx.addIssue(bdIssue(result.code));
    return z.NEVER;
  }
  return result.e164;
});
export type BdMobile = z.output<typeof BdMobile>;

export type MobileOperator = "Grameenphone" | "Banglalink" | "Teletalk" | "Robi";

const OPERATORS: Record<string, MobileOperator> = {
  "3": "Grameenphone",
  "7": "Grameenphone",
  "4": "Banglalink",
  "9": "Banglalink",
  "5": "Teletalk",
  "6": "Robi",
  "8": "Robi",
};

/** The operator that was originally allocated the number's prefix (numbers are portable since 2018). */
export function mobileOperator(s: string): MobileOperator {
  const e164 = BdMobile.parse(s);
  const operator = OPERATORS[e164.charAt(5)];
  if (operator === undefined) {
    throw new z.ZodError([{ ...bdIssue("bd.mobile.prefix"), path: [] }]);
  }
  return operator;
}
