import { toBengaliDigits } from "./digits.ts";

/**
 * Every failure this package reports, by stable code, in English and Bengali.
 * `{name}` placeholders are filled from the error's params (digits become Bengali in bn).
 * Codes raised through zod have no placeholders, so `bdMessage` can always render them.
 */
const CATALOGUE = {
  "bd.nid.digits": {
    en: "NID must contain only digits",
    bn: "এনআইডি নম্বরে শুধু অঙ্ক থাকতে পারে",
  },
  "bd.nid.length": {
    en: "NID must have 10, 13 or 17 digits",
    bn: "এনআইডি নম্বর ১০, ১৩ বা ১৭ অঙ্কের হতে হবে",
  },
  "bd.nid.birth_year": {
    en: "A 17-digit NID must start with a birth year from 1900 to the current year",
    bn: "১৭ অঙ্কের এনআইডি ১৯০০ থেকে চলতি বছরের মধ্যে একটি জন্মসাল দিয়ে শুরু হতে হবে",
  },
  "bd.nid.rmo": {
    en: "Digit 7 of a 17-digit NID (the RMO code) must be 1, 2, 3, 4, 5 or 9",
    bn: "১৭ অঙ্কের এনআইডি-র ৭ম অঙ্ক (আরএমও কোড) ১, ২, ৩, ৪, ৫ বা ৯ হতে হবে",
  },
  "bd.nid.to17": {
    en: "Only a 13-digit NID can be extended to 17 digits",
    bn: "শুধু ১৩ অঙ্কের এনআইডি-কে ১৭ অঙ্কে রূপান্তর করা যায়",
  },
  "bd.etin.digits": {
    en: "e-TIN must contain only digits",
    bn: "ই-টিআইএন নম্বরে শুধু অঙ্ক থাকতে পারে",
  },
  "bd.etin.length": {
    en: "e-TIN must have 12 digits",
    bn: "ই-টিআইএন ১২ অঙ্কের হতে হবে",
  },
  "bd.etin.legacy": {
    en: "10-digit TINs have been void since 2014-01-01; use the 12-digit e-TIN",
    bn: "১০ অঙ্কের টিআইএন ১ জানুয়ারি ২০১৪ থেকে বাতিল; ১২ অঙ্কের ই-টিআইএন ব্যবহার করুন",
  },
  "bd.bin.digits": {
    en: "BIN must contain only digits",
    bn: "বিআইএন নম্বরে শুধু অঙ্ক থাকতে পারে",
  },
  "bd.bin.length": {
    en: "BIN must have 13 digits",
    bn: "বিআইএন ১৩ অঙ্কের হতে হবে",
  },
  "bd.bin.legacy": {
    en: "9- and 11-digit BINs have been void since 2019-11-30; use the 13-digit BIN",
    bn: "৯ ও ১১ অঙ্কের বিআইএন ৩০ নভেম্বর ২০১৯ থেকে বাতিল; ১৩ অঙ্কের বিআইএন ব্যবহার করুন",
  },
  "bd.mobile.format": {
    en: "Write the mobile number as 01XXXXXXXXX or +8801XXXXXXXXX",
    bn: "মোবাইল নম্বর ০১XXXXXXXXX অথবা +৮৮০১XXXXXXXXX আকারে লিখুন",
  },
  "bd.mobile.length": {
    en: "A mobile number must have 11 digits (01XXXXXXXXX)",
    bn: "মোবাইল নম্বর ১১ অঙ্কের হতে হবে (০১XXXXXXXXX)",
  },
  "bd.mobile.prefix": {
    en: "A mobile number must start with 013 to 019 (011 is closed; 02… is a landline)",
    bn: "মোবাইল নম্বর ০১৩ থেকে ০১৯ দিয়ে শুরু হতে হবে (০১১ বন্ধ; ০২… ল্যান্ডফোন নম্বর)",
  },
  "bd.postcode.digits": {
    en: "Postcode must contain only digits",
    bn: "পোস্টকোডে শুধু অঙ্ক থাকতে পারে",
  },
  "bd.postcode.length": {
    en: "Postcode must have 4 digits",
    bn: "পোস্টকোড ৪ অঙ্কের হতে হবে",
  },
  "bd.money.invalid": {
    en: "Amount must be a number or a decimal string such as 1234.50",
    bn: "টাকার পরিমাণ একটি সংখ্যা অথবা ১২৩৪.৫০-এর মতো দশমিক সংখ্যা হতে হবে",
  },
  "bd.money.range": {
    en: "Amount must be between -9,99,99,99,99,999.99 and 9,99,99,99,99,999.99 taka",
    bn: "টাকার পরিমাণ -৯,৯৯,৯৯,৯৯,৯৯,৯৯৯.৯৯ থেকে ৯,৯৯,৯৯,৯৯,৯৯,৯৯৯.৯৯ টাকার মধ্যে হতে হবে",
  },
  "bd.money.precision": {
    en: "Amount can have at most two decimals (poisha)",
    bn: "টাকার পরিমাণে দশমিকের পরে সর্বোচ্চ দুই অঙ্ক (পয়সা) থাকতে পারে",
  },
  "bd.money.negative": {
    en: "Amount must not be negative",
    bn: "টাকার পরিমাণ ঋণাত্মক হতে পারে না",
  },
  "bd.land.area": {
    en: "A land area is a non-negative number with at most 4 decimals",
    bn: "জমির পরিমাণ ঋণাত্মক নয় এমন সংখ্যা, দশমিকের পরে সর্বোচ্চ ৪ অঙ্ক",
  },
  "bd.tax.rate": {
    en: "A tax rate must be a percentage from 0 to 1000 with at most 4 decimals",
    bn: "করের হার ০ থেকে ১০০০-এর মধ্যে শতাংশ হতে হবে, দশমিকের পরে সর্বোচ্চ ৪ অঙ্ক",
  },
  "bd.tax.category": {
    en: "Unknown {kind} category: {category}",
    bn: "অজানা {kind} শ্রেণি: {category}",
  },
  "bd.tax.no_table": {
    en: "No {kind} rate table is in force on {date}; the earliest starts on {earliest}",
    bn: "{date} তারিখে কোনো {kind} হারের তালিকা কার্যকর নেই; প্রথম তালিকা {earliest} থেকে কার্যকর",
  },
  "bd.tax.vat_rate": {
    en: "{rate}% is not a VAT rate in force on {date}",
    bn: "{date} তারিখে {rate}% কোনো কার্যকর ভ্যাট হার নয়",
  },
  "bd.tax.sqft": {
    en: "Building developer VDS needs the flat size in square feet (a positive number)",
    bn: "ভবন নির্মাতার ভিডিএস হিসাবের জন্য ফ্ল্যাটের আয়তন বর্গফুটে (ধনাত্মক সংখ্যা) দিতে হবে",
  },
  "bd.date.invalid": {
    en: "Date must be a real calendar date written YYYY-MM-DD, or a valid Date",
    bn: "তারিখটি YYYY-MM-DD আকারে লেখা একটি সঠিক তারিখ হতে হবে",
  },
  "bd.date.fiscal_year": {
    en: "Fiscal year must be written like 2025-26",
    bn: "অর্থবছর ২০২৫-২৬-এর মতো করে লিখুন",
  },
} as const satisfies Record<string, { en: string; bn: string }>;

export type BdCode = keyof typeof CATALOGUE;
export type BdParams = Readonly<Record<string, string | number>>;

export function isBdCode(code: unknown): code is BdCode {
  return typeof code === "string" && Object.hasOwn(CATALOGUE, code);
}

/** The message for a bd code in one language, with `{name}` placeholders filled from params. */
export function bdText(code: BdCode, locale: "en" | "bn", params: BdParams = {}): string {
  return CATALOGUE[code][locale].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) {
      return whole;
    }
    return locale === "bn" ? toBengaliDigits(String(value)) : String(value);
  });
}

/** The zod issue our identifier and Money schemas raise: English message, stable code in params. */
export function bdIssue(code: BdCode): { code: "custom"; message: string; params: { code: BdCode } } {
  return { code: "custom", message: bdText(code, "en"), params: { code } };
}

/** Thrown by the money, words, date and tax functions. `message` is the English text. */
export class BdError extends Error {
  override readonly name = "BdError";
  readonly code: BdCode;
  readonly messageEn: string;
  readonly messageBn: string;
  readonly params: BdParams;

  constructor(code: BdCode, params: BdParams = {}) {
    const messageEn = bdText(code, "en", params);
    super(messageEn);
    this.code = code;
    this.messageEn = messageEn;
    this.messageBn = bdText(code, "bn", params);
    this.params = params;
  }
}
