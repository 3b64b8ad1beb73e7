import { z } from "zod";
import { defineSetting } from "../define.ts";

const WRITE = "configuration:organization:write";
const ORG = ["tenant", "company"] as const;

/** The organisation-level defaults every tenant starts with. */
export const organizationSettings = [
  defineSetting({
    key: "organization.currency",
    schema: z.enum(["BDT", "USD", "EUR", "GBP", "INR", "CNY"]),
    default: "BDT",
    description: { en: "Accounting currency (ISO 4217)", bn: "হিসাবের মুদ্রা (ISO 4217)" },
    permission: WRITE,
    scopes: ORG,
  }),
  defineSetting({
    key: "organization.fiscalYearStart",
    schema: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "MM-DD"),
    default: "07-01",
    description: {
      en: "First day of the fiscal year, MM-DD (Bangladesh: 1 July)",
      bn: "অর্থবছরের প্রথম দিন, MM-DD (বাংলাদেশ: ১ জুলাই)",
    },
    permission: WRITE,
    scopes: ORG,
  }),
  defineSetting({
    key: "organization.language",
    schema: z.enum(["en", "bn"]),
    default: "bn",
    description: { en: "Language of documents and messages", bn: "নথি ও বার্তার ভাষা" },
    permission: WRITE,
    scopes: ["tenant", "company", "user"],
  }),
  defineSetting({
    key: "organization.timeZone",
    schema: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, "an IANA time zone such as Asia/Dhaka"),
    default: "Asia/Dhaka",
    description: { en: "Time zone (IANA)", bn: "সময় অঞ্চল (IANA)" },
    permission: WRITE,
    scopes: ["tenant", "company", "branch", "user"],
  }),
];
