import { type Amount, formatBDT, toBengaliDigits } from "@vextrus/bd";

export type Locale = "bn" | "en";

const dhaka = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Dhaka",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

/** A moment as read in Asia/Dhaka, with Bengali digits in `bn`. */
export function dhakaTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  const text = `${dhaka.format(date)} (BST)`;
  return locale === "bn" ? toBengaliDigits(text) : text;
}

/** Money as a message shows it: `৳12,34,56,789.50` (lakh/crore grouping), Bengali digits in `bn`. */
export const money = (amount: Amount, locale: Locale): string =>
  formatBDT(amount, { symbol: true, ...(locale === "bn" ? { digits: "bengali" as const } : {}) });

/** A count with Bengali digits in `bn`. */
export const count = (n: number, locale: Locale): string =>
  locale === "bn" ? toBengaliDigits(String(n)) : String(n);
