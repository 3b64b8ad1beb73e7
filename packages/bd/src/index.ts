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
  Money,
  parseBDT,
  toPoisha,
} from "./money.ts";
export {
  type RateResult,
  type TdsInput,
  tds,
  type VatInput,
  type VatResult,
  type VdsInput,
  vat,
  vds,
} from "./tax.ts";
export { TDS_CATEGORIES, type TdsCategory, VDS_CATEGORIES, type VdsCategory } from "./tax-tables.ts";
export { amountInWords, BENGALI_NUMBER_WORDS } from "./words.ts";
