// The zod-free subpaths: the package's index brings zod (its schemas) into the page's first script.
import { toBengaliDigits } from "@vextrus/bd/digits";
import { formatBDT } from "@vextrus/bd/money";

export type Locale = "en" | "bn";

/** Digits as the reader writes them: Bengali digits in `bn`. */
export const digits = (text: string | number, locale: Locale) =>
  locale === "bn" ? toBengaliDigits(String(text)) : String(text);

/** `৳7,50,000.00` (lakh grouping), with Bengali digits in `bn`; @vextrus/bd does the arithmetic. */
export const money = (amount: string, locale: Locale) =>
  formatBDT(amount, { symbol: true, digits: locale === "bn" ? "bengali" : "latin" });

const LAKH = 100_000n;
const CRORE = 10_000_000n;

/**
 * The amount as people say it: `7.5 lakh`, `1.25 crore` (`৭.৫ লাখ`, `১.২৫ কোটি`); empty below a lakh.
 * Exact: the whole-taka part is divided as a bigint, the fraction kept to two places.
 */
export function inWords(amount: string, locale: Locale): string {
  const whole = BigInt(amount.split(".")[0] ?? "0");
  const abs = whole < 0n ? -whole : whole;
  const [unit, word] =
    abs >= CRORE ? [CRORE, locale === "bn" ? "কোটি" : "crore"] : [LAKH, locale === "bn" ? "লাখ" : "lakh"];
  if (abs < LAKH) {
    return "";
  }
  const hundredths = (abs * 100n) / unit;
  const int = hundredths / 100n;
  const frac = (hundredths % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${whole < 0n ? "-" : ""}${digits(frac ? `${int}.${frac}` : String(int), locale)} ${word}`;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/** A date and time in Dhaka, in the reader's language (Bengali digits and month names in `bn`). */
export function dateTime(value: Date | string | null | undefined, locale: Locale): string {
  if (!value) {
    return "—";
  }
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "bn" ? "bn-BD" : "en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      hour12: false,
      timeZone: "Asia/Dhaka",
    });
    dateFormats.set(locale, format);
  }
  return format.format(typeof value === "string" ? new Date(value) : value);
}

/** `{n}` placeholders filled; numbers are written in the reader's digits. */
export function fill(text: string, params: Record<string, string | number> | undefined, locale: Locale) {
  if (!params) {
    return text;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) {
      return whole;
    }
    return typeof value === "number" ? digits(value, locale) : value;
  });
}
