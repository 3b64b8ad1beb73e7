import type { z } from "zod";
import { toBengaliDigits } from "./digits.ts";
import { bdText, isBdCode } from "./errors.ts";

export type Locale = "en" | "bn";

type Issue = z.core.$ZodIssue;
type IssueOf<C extends Issue["code"]> = Extract<Issue, { code: C }>;
type Texts = { [C in Issue["code"]]: (issue: IssueOf<C>) => string };

/** The stable code of a zod issue: `bd.*` for ours, otherwise `zod.<code>` with format/origin detail. */
export function issueCode(issue: Issue): string {
  switch (issue.code) {
    case "custom": {
      const code = issue.params?.code;
      return isBdCode(code) ? code : "zod.custom";
    }
    case "invalid_format":
      return `zod.invalid_format.${issue.format}`;
    case "too_small":
    case "too_big":
      return `zod.${issue.code}.${issue.origin}`;
    default:
      return `zod.${issue.code}`;
  }
}

/** A message for any zod 4 issue (ours and zod's own) in the caller's language. */
export function bdMessage(issue: Issue, locale: Locale): string {
  const texts = locale === "bn" ? BN : EN;
  const render = texts[issue.code] as ((issue: Issue) => string) | undefined;
  if (render === undefined) {
    return locale === "en" ? issue.message : GENERIC_BN;
  }
  return render(issue);
}

const GENERIC_BN = "তথ্যটি সঠিক নয়";

/** Zod drops the input from finished issues, so "missing" is read from its standard message. */
function isMissing(issue: IssueOf<"invalid_type">): boolean {
  return ("input" in issue && issue.input === undefined) || issue.message.endsWith("received undefined");
}

function num(n: number | bigint | string, locale: Locale): string {
  return locale === "bn" ? toBengaliDigits(String(n)) : String(n);
}

function dateOf(ms: number | bigint, locale: Locale): string {
  const d = new Date(Number(ms) + 6 * 3_600_000);
  return Number.isNaN(d.getTime()) ? num(ms, locale) : num(d.toISOString().slice(0, 10), locale);
}

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === "string" ? `"${v}"` : String(v))).join(", ");
}

function customText(issue: IssueOf<"custom">, locale: Locale): string {
  const code = issue.params?.code;
  if (isBdCode(code)) {
    return bdText(code, locale, issue.params);
  }
  if (locale === "en") {
    return issue.message;
  }
  const bn = issue.params?.messageBn;
  return typeof bn === "string" ? bn : GENERIC_BN;
}

const EN_TYPE: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  date: "a date",
  array: "a list",
  object: "an object",
  null: "null",
};
const BN_TYPE: Record<string, string> = {
  string: "লেখা",
  number: "সংখ্যা",
  int: "পূর্ণসংখ্যা",
  bigint: "পূর্ণসংখ্যা",
  boolean: "হ্যাঁ/না",
  date: "তারিখ",
  array: "তালিকা",
  object: "অবজেক্ট",
  null: "null",
};

const EN_UNIT: Record<string, string> = {
  string: "characters",
  array: "items",
  set: "items",
  map: "entries",
};
const BN_UNIT: Record<string, string> = {
  string: "টি অক্ষর",
  array: "টি আইটেম",
  set: "টি আইটেম",
  map: "টি এন্ট্রি",
};
const EN_FORMAT: Record<string, string> = {
  email: "email address",
  url: "URL",
  uuid: "UUID",
  guid: "GUID",
  date: "date (YYYY-MM-DD)",
  datetime: "date and time",
  time: "time",
  duration: "duration",
  ipv4: "IPv4 address",
  ipv6: "IPv6 address",
  e164: "phone number",
  jwt: "token",
  json_string: "JSON text",
};
const BN_FORMAT: Record<string, string> = {
  email: "ইমেইল ঠিকানা",
  url: "ওয়েব ঠিকানা (URL)",
  uuid: "UUID",
  guid: "GUID",
  date: "তারিখ (YYYY-MM-DD)",
  datetime: "তারিখ ও সময়",
  time: "সময়",
  duration: "সময়কাল",
  ipv4: "IPv4 ঠিকানা",
  ipv6: "IPv6 ঠিকানা",
  e164: "ফোন নম্বর",
  jwt: "টোকেন",
  json_string: "JSON লেখা",
};

const EN: Texts = {
  invalid_type: (i) =>
    isMissing(i) ? "This field is required" : `Expected ${EN_TYPE[i.expected] ?? i.expected}`,
  too_small: (i) => {
    const unit = EN_UNIT[i.origin];
    const n = num(i.minimum, "en");
    if (unit) {
      if (i.exact) {
        return `Must have exactly ${n} ${unit}`;
      }
      if (i.origin === "string" && Number(i.minimum) === 1 && i.inclusive !== false) {
        return "Must not be empty";
      }
      return i.inclusive === false ? `Must have more than ${n} ${unit}` : `Must have at least ${n} ${unit}`;
    }
    if (i.origin === "date") {
      return `Must be ${i.inclusive === false ? "after" : "on or after"} ${dateOf(i.minimum, "en")}`;
    }
    return i.inclusive === false ? `Must be greater than ${n}` : `Must be at least ${n}`;
  },
  too_big: (i) => {
    const unit = EN_UNIT[i.origin];
    const n = num(i.maximum, "en");
    if (unit) {
      if (i.exact) {
        return `Must have exactly ${n} ${unit}`;
      }
      return i.inclusive === false ? `Must have fewer than ${n} ${unit}` : `Must have at most ${n} ${unit}`;
    }
    if (i.origin === "date") {
      return `Must be ${i.inclusive === false ? "before" : "on or before"} ${dateOf(i.maximum, "en")}`;
    }
    return i.inclusive === false ? `Must be less than ${n}` : `Must be at most ${n}`;
  },
  invalid_format: (i) => {
    if ("prefix" in i) {
      return `Must start with "${i.prefix}"`;
    }
    if ("suffix" in i) {
      return `Must end with "${i.suffix}"`;
    }
    if ("includes" in i) {
      return `Must include "${i.includes}"`;
    }
    const noun = EN_FORMAT[i.format];
    return noun ? `Invalid ${noun}` : "Invalid format";
  },
  not_multiple_of: (i) => `Must be a multiple of ${i.divisor}`,
  unrecognized_keys: (i) => `Unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}`,
  invalid_union: (i) =>
    "options" in i && i.options && i.options.length > 0
      ? `Must be one of: ${list(i.options)}`
      : "Does not match any of the allowed forms",
  invalid_key: () => "Invalid key",
  invalid_element: () => "Invalid item",
  invalid_value: (i) =>
    i.values.length === 1 ? `Must be ${list(i.values)}` : `Must be one of: ${list(i.values)}`,
  custom: (i) => customText(i, "en"),
};

const BN: Texts = {
  invalid_type: (i) =>
    isMissing(i) ? "এই ঘরটি পূরণ করা আবশ্যক" : `${BN_TYPE[i.expected] ?? i.expected} হতে হবে`,
  too_small: (i) => {
    const unit = BN_UNIT[i.origin];
    const n = num(i.minimum, "bn");
    if (unit) {
      if (i.exact) {
        return `ঠিক ${n}${unit} থাকতে হবে`;
      }
      if (i.origin === "string" && Number(i.minimum) === 1 && i.inclusive !== false) {
        return "খালি রাখা যাবে না";
      }
      return i.inclusive === false ? `${n}${unit}-এর বেশি থাকতে হবে` : `কমপক্ষে ${n}${unit} থাকতে হবে`;
    }
    if (i.origin === "date") {
      const d = dateOf(i.minimum, "bn");
      return i.inclusive === false ? `${d}-এর পরের তারিখ হতে হবে` : `${d} বা তার পরের তারিখ হতে হবে`;
    }
    return i.inclusive === false ? `${n}-এর বেশি হতে হবে` : `কমপক্ষে ${n} হতে হবে`;
  },
  too_big: (i) => {
    const unit = BN_UNIT[i.origin];
    const n = num(i.maximum, "bn");
    if (unit) {
      if (i.exact) {
        return `ঠিক ${n}${unit} থাকতে হবে`;
      }
      return i.inclusive === false ? `${n}${unit}-এর কম থাকতে হবে` : `সর্বোচ্চ ${n}${unit} থাকতে পারে`;
    }
    if (i.origin === "date") {
      const d = dateOf(i.maximum, "bn");
      return i.inclusive === false ? `${d}-এর আগের তারিখ হতে হবে` : `${d} বা তার আগের তারিখ হতে হবে`;
    }
    return i.inclusive === false ? `${n}-এর কম হতে হবে` : `সর্বোচ্চ ${n} হতে পারে`;
  },
  invalid_format: (i) => {
    if ("prefix" in i) {
      return `"${i.prefix}" দিয়ে শুরু হতে হবে`;
    }
    if ("suffix" in i) {
      return `"${i.suffix}" দিয়ে শেষ হতে হবে`;
    }
    if ("includes" in i) {
      return `"${i.includes}" থাকতে হবে`;
    }
    const noun = BN_FORMAT[i.format];
    return noun ? `${noun} সঠিক নয়` : "ফরম্যাট সঠিক নয়";
  },
  not_multiple_of: (i) => `${num(i.divisor, "bn")}-এর গুণিতক হতে হবে`,
  unrecognized_keys: (i) => `অজানা ঘর: ${i.keys.join(", ")}`,
  invalid_union: (i) =>
    "options" in i && i.options && i.options.length > 0
      ? `এগুলোর যেকোনো একটি হতে হবে: ${list(i.options)}`
      : "অনুমোদিত কোনো রূপের সাথে মিলছে না",
  invalid_key: () => "কী সঠিক নয়",
  invalid_element: () => "উপাদান সঠিক নয়",
  invalid_value: (i) =>
    i.values.length === 1 ? `${list(i.values)} হতে হবে` : `এগুলোর যেকোনো একটি হতে হবে: ${list(i.values)}`,
  custom: (i) => customText(i, "bn"),
};
