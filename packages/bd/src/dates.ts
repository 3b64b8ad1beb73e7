import { toBengaliDigits } from "./digits.ts";
import { BdError } from "./errors.ts";

/** A calendar date `"YYYY-MM-DD"`, or a `Date` read in Asia/Dhaka time (UTC+6, no DST). */
export type DateInput = string | Date;

const DHAKA_OFFSET_MS = 6 * 3_600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Days since 1970-01-01 (proleptic Gregorian), by integer arithmetic: no Date, no time zone. */
function dayNumber({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function toYmd(date: DateInput): Ymd {
  if (date instanceof Date) {
    const t = date.getTime();
    if (Number.isNaN(t)) {
      throw new BdError("bd.date.invalid");
    }
    const dhaka = new Date(t + DHAKA_OFFSET_MS);
    return { y: dhaka.getUTCFullYear(), m: dhaka.getUTCMonth() + 1, d: dhaka.getUTCDate() };
  }
  const match = typeof date === "string" ? ISO_DATE.exec(date) : null;
  const ymd = match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : null;
  if (!ymd || ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > daysInMonth(ymd.y, ymd.m)) {
    throw new BdError("bd.date.invalid");
  }
  return ymd;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** The calendar date as `"YYYY-MM-DD"` (a `Date` is read in Dhaka time). Throws `bd.date.invalid`. */
export function isoDate(date: DateInput): string {
  const { y, m, d } = toYmd(date);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** The current year in Dhaka. */
export function dhakaYear(nowMs: number = Date.now()): number {
  return new Date(nowMs + DHAKA_OFFSET_MS).getUTCFullYear();
}

/** Bangladesh fiscal year (1 July – 30 June) of a date, e.g. `"2025-26"`. */
export function fiscalYear(date: DateInput): string {
  const { y, m } = toYmd(date);
  const start = m >= 7 ? y : y - 1;
  return `${pad(start, 4)}-${pad((start + 1) % 100, 2)}`;
}

/** First and last day of a fiscal year label such as `"2025-26"`. Throws `bd.date.fiscal_year`. */
export function fiscalYearRange(label: string): { start: string; end: string } {
  const match = /^(\d{4})-(\d{2})$/.exec(label);
  const start = Number(match?.[1]);
  if (!match || (start + 1) % 100 !== Number(match[2])) {
    throw new BdError("bd.date.fiscal_year", { input: label });
  }
  return { start: `${pad(start, 4)}-07-01`, end: `${pad(start + 1, 4)}-06-30` };
}

export const BANGLA_MONTHS = [
  "বৈশাখ",
  "জ্যৈষ্ঠ",
  "আষাঢ়",
  "শ্রাবণ",
  "ভাদ্র",
  "আশ্বিন",
  "কার্তিক",
  "অগ্রহায়ণ",
  "পৌষ",
  "মাঘ",
  "ফাল্গুন",
  "চৈত্র",
] as const;

export type BanglaMonth = (typeof BANGLA_MONTHS)[number];

export interface BanglaDate {
  year: number;
  month: number;
  day: number;
  monthName: BanglaMonth;
  text: string;
}

/**
 * The Bangla (Bangabda) date under the 2019 revision: 1 Boishakh = 14 April; months 1–6 have
 * 31 days, 7–10 and 12 have 30, ফাল্গুন has 29 (30 when its Gregorian year is a leap year).
 * Dates before 16 Oct 2019 are computed with the same rules (proleptically).
 */
export function bangabda(date: DateInput): BanglaDate {
  const ymd = toYmd(date);
  const startYear = ymd.m > 4 || (ymd.m === 4 && ymd.d >= 14) ? ymd.y : ymd.y - 1;
  let offset = dayNumber(ymd) - dayNumber({ y: startYear, m: 4, d: 14 });
  const falgun = isLeap(startYear + 1) ? 30 : 29;
  const lengths = [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, falgun, 30];
  let month = 0;
  for (const length of lengths) {
    if (offset < length) {
      break;
    }
    offset -= length;
    month++;
  }
  const monthName = BANGLA_MONTHS[month] ?? "চৈত্র";
  const year = startYear - 593;
  const day = offset + 1;
  return { year, month: month + 1, day, monthName, text: toBengaliDigits(`${day} ${monthName} ${year}`) };
}
