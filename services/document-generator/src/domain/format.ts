import { bangabda, formatBDT, toBengaliDigits } from "@vextrus/bd";

export type Locale = "en" | "bn";

const DHAKA_OFFSET_MS = 6 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** Digits as the locale writes them (Bengali digits in `bn`). */
export const digits = (text: string, locale: Locale) => (locale === "bn" ? toBengaliDigits(text) : text);

/** Money with lakh/crore grouping (`1,23,45,678.50`), in the locale's digits. */
export const money = (amount: string, locale: Locale) =>
  formatBDT(amount, { digits: locale === "bn" ? "bengali" : "latin" });

/** A rate in percent: `15%`, `7.5%`. */
export const percent = (rate: string, locale: Locale) => digits(`${rate}%`, locale);

/** A quantity with lakh grouping of its whole part and its decimals as given: `1,250.5`. */
export function quantity(thousandths: bigint, locale: Locale): string {
  const whole = thousandths / 1000n;
  const frac = (thousandths % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  const grouped = formatBDT(whole.toString()).replace(/\.00$/, "");
  return digits(frac ? `${grouped}.${frac}` : grouped, locale);
}

/** The calendar parts of a moment in Asia/Dhaka (UTC+6, no daylight saving). */
export function dhakaParts(at: Date) {
  const d = new Date(at.getTime() + DHAKA_OFFSET_MS);
  return {
    ymd: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    date: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
    /** ISO 8601 with the Dhaka offset, to the second. */
    iso: `${d.toISOString().slice(0, 19)}+06:00`,
  };
}

/** Date (DD/MM/YYYY) and 24-hour time in Dhaka, and the Bangla calendar date when asked for. */
export function issueMoment(at: Date, locale: Locale, withBangla: boolean) {
  const parts = dhakaParts(at);
  return {
    date: digits(parts.date, locale),
    time: digits(parts.time, locale),
    banglaDate: withBangla ? bangabda(parts.ymd).text : null,
    ymd: parts.ymd,
    iso: parts.iso,
  };
}

/** A BIN as printed: the 9 + 4 digits of registration and branch, in the locale's digits. */
export const bin = (value: string, locale: Locale) =>
  digits(`${value.slice(0, 9)}-${value.slice(9)}`, locale);
