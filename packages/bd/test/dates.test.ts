import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  BANGLA_MONTHS,
  type BanglaDate,
  bangabda,
  fiscalYear,
  fiscalYearRange,
  isoDate,
} from "../src/index.ts";
import { bdError } from "./helpers.ts";

const DAY_MS = 86_400_000;
const FIRST = Date.UTC(2019, 9, 16);
const LAST = Date.UTC(2100, 11, 31);
const isoOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** True when `b` is the Bangla day right after `a`. */
function isNextDay(a: BanglaDate, b: BanglaDate): boolean {
  if (b.year === a.year && b.month === a.month) {
    return b.day === a.day + 1;
  }
  if (b.day !== 1) {
    return false;
  }
  return (
    (b.year === a.year && b.month === a.month + 1) ||
    (b.year === a.year + 1 && a.month === 12 && b.month === 1)
  );
}

describe("fiscal year", () => {
  test("July to June", () => {
    expect(fiscalYear("2025-07-01")).toBe("2025-26");
    expect(fiscalYear("2025-06-30")).toBe("2024-25");
    expect(fiscalYear("2026-01-15")).toBe("2025-26");
    expect(fiscalYear("1999-12-31")).toBe("1999-00");
    expect(fiscalYear("2009-07-01")).toBe("2009-10");
    expect(fiscalYearRange("2025-26")).toEqual({ start: "2025-07-01", end: "2026-06-30" });
    expect(fiscalYearRange("1999-00")).toEqual({ start: "1999-07-01", end: "2000-06-30" });
  });

  test("a Date is read in Dhaka time", () => {
    expect(fiscalYear(new Date("2025-06-30T18:00:00Z"))).toBe("2025-26");
    expect(fiscalYear(new Date("2025-06-30T17:59:59.999Z"))).toBe("2024-25");
    expect(isoDate(new Date("2025-06-30T18:00:00Z"))).toBe("2025-07-01");
  });

  test("bad labels and dates fail clearly", () => {
    for (const bad of ["2025-27", "2025-2026", "25-26", "2025/26", ""]) {
      expect(bdError(() => fiscalYearRange(bad)).code).toBe("bd.date.fiscal_year");
    }
    for (const bad of [
      "2025-02-29",
      "2024-13-01",
      "2024-00-10",
      "2024-04-31",
      "2024-4-1",
      "20240401",
      "2024-04-01T00:00",
    ]) {
      expect(bdError(() => fiscalYear(bad)).code).toBe("bd.date.invalid");
    }
    expect(bdError(() => fiscalYear(new Date("nope"))).code).toBe("bd.date.invalid");
    expect(bdError(() => fiscalYear("2024-02-30")).messageBn).toContain("তারিখ");
  });
});

describe("bangabda", () => {
  test("worked examples from the notes", () => {
    expect(bangabda("2025-04-14")).toEqual({
      year: 1432,
      month: 1,
      day: 1,
      monthName: "বৈশাখ",
      text: "১ বৈশাখ ১৪৩২",
    });
    expect(bangabda("2025-02-21").text).toBe("৮ ফাল্গুন ১৪৩১");
    expect(bangabda("2025-03-26").text).toBe("১২ চৈত্র ১৪৩১");
    expect(bangabda("2024-12-16").text).toBe("১ পৌষ ১৪৩১");
    expect(bangabda("2025-04-13").text).toBe("৩০ চৈত্র ১৪৩১");
    expect(bangabda("2020-10-16").text).toBe("৩১ আশ্বিন ১৪২৭");
    expect(bangabda("2020-10-17").text).toBe("১ কার্তিক ১৪২৭");
  });

  test("ফাল্গুন has 30 days in a leap year and 29 otherwise", () => {
    expect(bangabda("2024-03-14")).toMatchObject({ month: 11, day: 30, monthName: "ফাল্গুন" });
    expect(bangabda("2024-02-29").text).toBe("১৬ ফাল্গুন ১৪৩০");
    expect(bangabda("2024-03-15").text).toBe("১ চৈত্র ১৪৩০");
    expect(bangabda("2025-03-14").text).toBe("২৯ ফাল্গুন ১৪৩১");
    expect(bangabda("2025-03-15").text).toBe("১ চৈত্র ১৪৩১");
    expect(bangabda("2100-03-14").text).toBe("২৯ ফাল্গুন ১৫০৬");
    expect(bangabda("2100-03-15").text).toBe("১ চৈত্র ১৫০৬");
    expect(bangabda("2000-03-14").text).toBe("৩০ ফাল্গুন ১৪০৬");
  });

  test("a Date is read in Dhaka time", () => {
    expect(bangabda(new Date("2025-04-13T18:00:00Z")).text).toBe("১ বৈশাখ ১৪৩২");
    expect(bangabda(new Date("2025-04-13T17:59:59Z")).text).toBe("৩০ চৈত্র ১৪৩১");
  });

  test("monotonic day by day from 2019-10-16 to 2100 (every day)", () => {
    let previous = bangabda(isoOf(FIRST));
    for (let ms = FIRST + DAY_MS; ms <= LAST; ms += DAY_MS) {
      const current = bangabda(isoOf(ms));
      if (!isNextDay(previous, current)) {
        throw new Error(`${isoOf(ms)}: ${previous.text} → ${current.text}`);
      }
      expect(current.monthName).toBe(BANGLA_MONTHS[current.month - 1] ?? "চৈত্র");
      previous = current;
    }
  });

  test("monotonic (property over random days, Date and string inputs agree)", () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST / DAY_MS, max: LAST / DAY_MS - 1 }), (day) => {
        const today = bangabda(isoOf(day * DAY_MS));
        expect(isNextDay(today, bangabda(isoOf((day + 1) * DAY_MS)))).toBe(true);
        expect(bangabda(new Date(day * DAY_MS - 6 * 3_600_000))).toEqual(today);
      }),
    );
  });
});
