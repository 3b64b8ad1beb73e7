/**
 * Effective-dated VAT, SD, VDS and TDS rates: the only place tax rates live. Each Finance Act (usually in
 * force from 1 July) is a new entry appended to a list, never an edit of an old one, so past dates
 * keep the rates that applied then. A table is in force from `from` until the next table starts.
 * Rates are percentages with at most 4 decimals.
 */

export const VDS_CATEGORIES = [
  "construction",
  "land_development",
  "building_developer",
  "re_registration",
  "procurement_provider",
  "consultancy",
  "standard",
] as const;
export type VdsCategory = (typeof VDS_CATEGORIES)[number];

export const TDS_CATEGORIES = [
  "construction",
  "supply_general",
  "industrial_raw_material",
  "cement_iron",
  "ms_billet_scrap",
  "rent",
  "professional_fee",
] as const;
export type TdsCategory = (typeof TDS_CATEGORIES)[number];

/** A flat-size band: applies up to and including `upToSqft` (null = no upper limit). */
export interface SqftBand {
  upToSqft: number | null;
  rate: number;
}

export interface VdsTable {
  /** First day in force, `"YYYY-MM-DD"`; null = in force before any later table (no known start). */
  from: string | null;
  source: string;
  rates: Readonly<Record<VdsCategory, number | readonly SqftBand[]>>;
}

export interface TdsTable {
  from: string;
  source: string;
  /** Rates rise by this factor when the payee has no proof of return submission (PSR). */
  noPsrMultiplier: number;
  rates: Readonly<Record<TdsCategory, number>>;
}

const VDS_BEFORE_2018: VdsTable["rates"] = {
  construction: 7.5,
  land_development: 2,
  building_developer: [
    { upToSqft: 1100, rate: 1.5 },
    { upToSqft: 1600, rate: 2.5 },
    { upToSqft: null, rate: 4.5 },
  ],
  re_registration: 2,
  procurement_provider: 7.5,
  consultancy: 15,
  standard: 0,
};

const VDS_SINCE_2018: VdsTable["rates"] = {
  ...VDS_BEFORE_2018,
  building_developer: [
    { upToSqft: 1600, rate: 2 },
    { upToSqft: null, rate: 4.5 },
  ],
};

export const VDS_TABLES: readonly VdsTable[] = [
  {
    from: null,
    source: "PwC Bangladesh tax summary (Jan 2025); building developer bands as before FY2018-19",
    rates: VDS_BEFORE_2018,
  },
  {
    from: "2018-07-01",
    source: "Building developers: 2% up to 1,600 sq ft, 4.5% above, since 2018-07-01",
    rates: VDS_SINCE_2018,
  },
  {
    from: "2025-07-01",
    source: "Budget FY2025-26: construction contractors 7.5% -> 10%",
    rates: { ...VDS_SINCE_2018, construction: 10 },
  },
];

export const TDS_TABLES: readonly TdsTable[] = [
  {
    from: "2024-07-01",
    source:
      "Income Tax Act 2023 withholding: s.89 contractors and suppliers, s.109 house rent, professional fees (PwC, Jan 2025)",
    noPsrMultiplier: 1.5,
    rates: {
      construction: 7,
      supply_general: 5,
      industrial_raw_material: 3,
      cement_iron: 2,
      ms_billet_scrap: 0.5,
      rent: 5,
      professional_fee: 10,
    },
  },
];

/**
 * VAT rate categories of the VAT and SD Act 2012: the standard rate (s.15), the reduced rates of the
 * Third Schedule (its tables of goods and services at 10%, 7.5% and 5%), zero-rated supplies (exports,
 * s.21) and exempt supplies (First Schedule). An item names its category; the rate comes from the table
 * in force on the day of the supply.
 */
export const VAT_CATEGORIES = [
  "standard",
  "reduced_10",
  "reduced_7_5",
  "reduced_5",
  "zero_rated",
  "exempt",
] as const;
export type VatCategory = (typeof VAT_CATEGORIES)[number];

export interface VatTable {
  from: string;
  source: string;
  /** The rate of each category, percent. */
  rates: Readonly<Record<VatCategory, number>>;
  /** The highest supplementary duty rate the Act's Second Schedule sets, percent. */
  maxSdRate: number;
}

export const VAT_TABLES: readonly VatTable[] = [
  {
    from: "2019-07-01",
    source:
      "VAT and SD Act 2012, in force from 1 July 2019: standard 15% (s.15); Third Schedule tables 1-3 at 5%, 7.5% and 10%; exports zero-rated; First Schedule exempt; Second Schedule supplementary duty up to 500%",
    rates: { standard: 15, reduced_10: 10, reduced_7_5: 7.5, reduced_5: 5, zero_rated: 0, exempt: 0 },
    maxSdRate: 500,
  },
];
