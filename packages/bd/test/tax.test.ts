import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  MAX_SD_RATE,
  maxSdRate,
  TDS_CATEGORIES,
  type TdsCategory,
  tds,
  VAT_CATEGORIES,
  VAT_RATES,
  VAT_TABLES,
  VDS_CATEGORIES,
  type VdsCategory,
  vat,
  vatCategoryOf,
  vatRates,
  vds,
} from "../src/index.ts";
import { fromPoisha, toPoisha } from "../src/money.ts";
import { bdError } from "./helpers.ts";

describe("vat", () => {
  test("15% by default, SD first and VAT on value + SD", () => {
    expect(vat({ value: 100000 })).toEqual({
      value: "100000.00",
      sd: "0.00",
      vat: "15000.00",
      total: "115000.00",
    });
    expect(vat({ value: "1000", rate: 15, sdRate: 20 })).toEqual({
      value: "1000.00",
      sd: "200.00",
      vat: "180.00",
      total: "1380.00",
    });
    expect(vat({ value: 1000, rate: 7.5 })).toEqual({
      value: "1000.00",
      sd: "0.00",
      vat: "75.00",
      total: "1075.00",
    });
    expect(vat({ value: 0 })).toEqual({ value: "0.00", sd: "0.00", vat: "0.00", total: "0.00" });
  });

  test("rounds half away from zero to the poisha", () => {
    expect(vat({ value: "0.10" }).vat).toBe("0.02");
    expect(vat({ value: "0.03" }).vat).toBe("0.00");
    expect(vat({ value: "-0.10" }).vat).toBe("-0.02");
    expect(vat({ value: "33.33", rate: 7.5 }).vat).toBe("2.50");
  });

  test("inclusive amounts are split back exactly", () => {
    expect(vat({ value: 115000, inclusive: true })).toEqual({
      value: "100000.00",
      sd: "0.00",
      vat: "15000.00",
      total: "115000.00",
    });
    expect(vat({ value: 1380, sdRate: 20, inclusive: true })).toEqual({
      value: "1000.00",
      sd: "200.00",
      vat: "180.00",
      total: "1380.00",
    });
  });

  test("inclusive split adds up and matches the forward calculation within a poisha (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        fc.constantFrom(0, 5, 7.5, 10, 15),
        fc.constantFrom(0, 10, 20, 45, 100),
        (gross, rate, sdRate) => {
          const split = vat({ value: fromPoisha(gross), rate, sdRate, inclusive: true });
          const sum = toPoisha(split.value) + toPoisha(split.sd) + toPoisha(split.vat);
          expect(sum).toBe(gross);
          expect(split.total).toBe(fromPoisha(gross));
          const forward = vat({ value: split.value, rate, sdRate });
          const drift = toPoisha(forward.total) - gross;
          expect(drift >= -2n && drift <= 2n).toBe(true);
        },
      ),
    );
  });

  test("bad amounts and rates fail clearly", () => {
    expect(bdError(() => vat({ value: Number.NaN })).code).toBe("bd.money.invalid");
    expect(bdError(() => vat({ value: "100.001" })).code).toBe("bd.money.precision");
    expect(bdError(() => vat({ value: "1000000000000" })).code).toBe("bd.money.range");
    expect(bdError(() => vat({ value: "999999999999.99" })).code).toBe("bd.money.range");
    expect(bdError(() => vat({ value: 100, rate: -5 })).code).toBe("bd.tax.rate");
    expect(bdError(() => vat({ value: 100, rate: 7.123456 })).code).toBe("bd.tax.rate");
    expect(bdError(() => vat({ value: 100, sdRate: Number.NaN })).code).toBe("bd.tax.rate");
  });
});

describe("vds", () => {
  test("flat rates by category", () => {
    const rates: Record<VdsCategory, number> = {
      construction: 7.5,
      land_development: 2,
      building_developer: 2,
      re_registration: 2,
      procurement_provider: 7.5,
      consultancy: 15,
      standard: 0,
    };
    for (const category of VDS_CATEGORIES) {
      const result = vds({ value: 100000, category, date: "2025-01-15", sqft: 1200 });
      expect(result.rate).toBe(rates[category]);
      expect(result.amount).toBe(fromPoisha(BigInt(rates[category] * 10) * 10_000n));
    }
    expect(vds({ value: 100000, category: "standard", date: "2025-01-15" })).toEqual({
      rate: 0,
      amount: "0.00",
    });
  });

  test("construction rises to 10% from 2025-07-01", () => {
    expect(vds({ value: 1000000, category: "construction", date: "2025-06-30" })).toEqual({
      rate: 7.5,
      amount: "75000.00",
    });
    expect(vds({ value: 1000000, category: "construction", date: "2025-07-01" })).toEqual({
      rate: 10,
      amount: "100000.00",
    });
    expect(
      vds({ value: 1000000, category: "construction", date: new Date("2025-06-30T18:00:00Z") }).rate,
    ).toBe(10);
  });

  test("building developers by flat size, with the pre-2018 bands", () => {
    const at = (date: string, sqft: number) =>
      vds({ value: 12000000, category: "building_developer", date, sqft });
    expect(at("2025-01-01", 1600)).toEqual({ rate: 2, amount: "240000.00" });
    expect(at("2025-01-01", 1601)).toEqual({ rate: 4.5, amount: "540000.00" });
    expect(at("2018-07-01", 900).rate).toBe(2);
    expect(at("2018-06-30", 1100).rate).toBe(1.5);
    expect(at("2018-06-30", 1101).rate).toBe(2.5);
    expect(at("2018-06-30", 1600).rate).toBe(2.5);
    expect(at("2018-06-30", 1601).rate).toBe(4.5);
    for (const sqft of [0, -10, Number.NaN]) {
      expect(bdError(() => at("2025-01-01", sqft)).code).toBe("bd.tax.sqft");
    }
    expect(bdError(() => vds({ value: 1, category: "building_developer", date: "2025-01-01" })).code).toBe(
      "bd.tax.sqft",
    );
  });

  test("unknown categories fail in both languages", () => {
    const error = bdError(() => vds({ value: 1, category: "bribe" as VdsCategory, date: "2025-01-01" }));
    expect(error.code).toBe("bd.tax.category");
    expect(error.messageEn).toBe("Unknown VDS category: bribe");
    expect(error.messageBn).toBe("অজানা VDS শ্রেণি: bribe");
  });
});

describe("tds", () => {
  const rates: Record<TdsCategory, number> = {
    construction: 7,
    supply_general: 5,
    industrial_raw_material: 3,
    cement_iron: 2,
    ms_billet_scrap: 0.5,
    rent: 5,
    professional_fee: 10,
  };

  test("rates in force from 2024-07-01, × 1.5 without PSR", () => {
    for (const category of TDS_CATEGORIES) {
      const withPsr = tds({ base: 1000000, category, date: "2024-07-01" });
      expect(withPsr.rate).toBe(rates[category]);
      const withoutPsr = tds({ base: 1000000, category, date: "2026-01-01", hasPsr: false });
      expect(withoutPsr.rate).toBe(rates[category] * 1.5);
    }
    expect(tds({ base: 1000000, category: "construction", date: "2025-01-01" })).toEqual({
      rate: 7,
      amount: "70000.00",
    });
    expect(tds({ base: 1000000, category: "construction", date: "2025-01-01", hasPsr: false })).toEqual({
      rate: 10.5,
      amount: "105000.00",
    });
    expect(tds({ base: "1000.10", category: "ms_billet_scrap", date: "2025-01-01", hasPsr: false })).toEqual({
      rate: 0.75,
      amount: "7.50",
    });
    expect(tds({ base: "0.70", category: "ms_billet_scrap", date: "2025-01-01" }).amount).toBe("0.00");
    expect(tds({ base: "100.10", category: "ms_billet_scrap", date: "2025-01-01" }).amount).toBe("0.50");
  });

  test("no table before 2024-07-01: a clear error, no guessing", () => {
    const error = bdError(() => tds({ base: 100, category: "rent", date: "2024-06-30" }));
    expect(error.code).toBe("bd.tax.no_table");
    expect(error.messageEn).toBe(
      "No TDS rate table is in force on 2024-06-30; the earliest starts on 2024-07-01",
    );
    expect(error.messageBn).toContain("২০২৪-০৬-৩০");
    expect(
      bdError(() => tds({ base: 100, category: "rent", date: new Date("2024-06-30T17:00:00Z") })).code,
    ).toBe("bd.tax.no_table");
    expect(tds({ base: 100, category: "rent", date: new Date("2024-06-30T18:00:00Z") }).rate).toBe(5);
  });

  test("bad input fails clearly", () => {
    expect(bdError(() => tds({ base: 100, category: "bribe" as TdsCategory, date: "2025-01-01" })).code).toBe(
      "bd.tax.category",
    );
    expect(bdError(() => tds({ base: 100, category: "rent", date: "2025-02-30" })).code).toBe(
      "bd.date.invalid",
    );
    expect(bdError(() => tds({ base: "1,000", category: "rent", date: "2025-01-01" })).code).toBe(
      "bd.money.invalid",
    );
    expect(bdError(() => tds({ base: 0.001, category: "rent", date: "2025-01-01" })).code).toBe(
      "bd.money.precision",
    );
  });
});

describe("VAT categories (effective-dated)", () => {
  test("each category's rate from the table in force; a rate's category; the highest SD", () => {
    expect(vatRates("2025-07-01")).toEqual({
      standard: 15,
      reduced_10: 10,
      reduced_7_5: 7.5,
      reduced_5: 5,
      zero_rated: 0,
      exempt: 0,
    });
    expect(vatCategoryOf(15, "2019-07-01")).toBe("standard");
    expect(vatCategoryOf(7.5, new Date("2025-08-15T04:00:00Z"))).toBe("reduced_7_5");
    expect(vatCategoryOf(0, "2025-07-01")).toBe("zero_rated");
    expect(bdError(() => vatCategoryOf(12, "2025-07-01")).code).toBe("bd.tax.vat_rate");
    expect(bdError(() => vatRates("2019-06-30")).code).toBe("bd.tax.no_table");
    expect(maxSdRate("2025-07-01")).toBe(500);
    expect(MAX_SD_RATE).toBe(500);
    expect(VAT_RATES).toEqual([15, 10, 7.5, 5, 0]);
    for (const table of VAT_TABLES) {
      expect(Object.keys(table.rates)).toEqual([...VAT_CATEGORIES]);
    }
  });
});
