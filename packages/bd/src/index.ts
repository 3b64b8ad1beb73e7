export {
  BANGLA_MONTHS,
  type BanglaDate,
  type BanglaMonth,
  bangabda,
  type DateInput,
  fiscalYear,
  fiscalYearRange,
  isoDate,
} from "./dates.ts";
export { toBengaliDigits, toLatinDigits } from "./digits.ts";
export { type BdCode, BdError } from "./errors.ts";
export {
  BdMobile,
  Bin,
  Etin,
  type MobileOperator,
  mobileOperator,
  Nid,
  type NidKind,
  nidTo17,
  type ParsedNid,
  Postcode,
  parseNid,
} from "./ids.ts";
export { LAND_UNITS, type LandUnit, squareFeet } from "./land.ts";
export { bdMessage, issueCode, type Locale } from "./messages.ts";
export {
  type Amount,
  type FormatBDTOptions,
  formatBDT,
  fromPoisha,
  MAX_POISHA,
  parseBDT,
  readPoishaNumber,
  toPoisha,
} from "./money.ts";
export { Money } from "./money-schema.ts";
export {
  MAX_SD_RATE,
  maxSdRate,
  type RateResult,
  type TdsInput,
  tds,
  VAT_RATES,
  type VatInput,
  type VatResult,
  type VdsInput,
  vat,
  vatCategoryOf,
  vatRates,
  vds,
} from "./tax.ts";
export {
  TDS_CATEGORIES,
  type TdsCategory,
  VAT_CATEGORIES,
  VAT_TABLES,
  type VatCategory,
  type VatTable,
  VDS_CATEGORIES,
  type VdsCategory,
} from "./tax-tables.ts";
export { amountInWords, BENGALI_NUMBER_WORDS } from "./words.ts";
