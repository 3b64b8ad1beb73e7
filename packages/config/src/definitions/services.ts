import { z } from "zod";
import { defineSetting } from "../define.ts";

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");
/** A percentage as an exact decimal string, "15" or "7.5" (never a float). */
const Percent = z.string().regex(/^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/, "a percentage such as 15 or 7.5");

/** Knobs of the business services, each declared once with its type, default and reach. */
export const serviceSettings = [
  defineSetting({
    key: "workflow.sla.hours",
    schema: z.number().int().min(1).max(720),
    default: 48,
    description: {
      en: "Hours an approver has before a task escalates, when the process definition sets none",
      bn: "প্রক্রিয়ার সংজ্ঞায় না থাকলে, কাজ ঊর্ধ্বতনের কাছে যাওয়ার আগে অনুমোদনকারীর সময় (ঘণ্টা)",
    },
    permission: "configuration:workflow:write",
    scopes: ["tenant", "company", "department"],
  }),
  defineSetting({
    key: "documents.invoice.prefix",
    schema: z.string().regex(/^[A-Z0-9][A-Z0-9/-]{0,15}$/, "1–16 of A–Z, 0–9, / and -"),
    default: "INV-",
    description: { en: "Prefix of invoice numbers", bn: "চালান নম্বরের উপসর্গ" },
    permission: "configuration:documents:write",
    scopes: ["tenant", "company", "branch"],
  }),
  defineSetting({
    key: "documents.letterhead.fileId",
    schema: z.uuid().nullable(),
    default: null,
    description: { en: "Letterhead image (a file-storage id)", bn: "প্যাডের ছবি (ফাইল-স্টোরেজ আইডি)" },
    permission: "configuration:documents:write",
    scopes: ["tenant", "company"],
  }),
  defineSetting({
    key: "notification.quietHours",
    schema: z.strictObject({ start: Time, end: Time }).nullable(),
    default: { start: "22:00", end: "08:00" },
    description: {
      en: "Hours (local time) when only urgent notifications are sent; null for none",
      bn: "যে সময়ে (স্থানীয়) শুধু জরুরি বিজ্ঞপ্তি পাঠানো হয়; না থাকলে null",
    },
    permission: "configuration:notification:write",
    scopes: ["tenant", "company", "user"],
  }),
  defineSetting({
    key: "bd.vat.standardRate",
    schema: Percent,
    default: "15",
    description: {
      en: "Standard VAT rate, % (VAT and SD Act 2012; changes with the Finance Act each July)",
      bn: "মূসকের আদর্শ হার, % (মূসক ও সম্পূরক শুল্ক আইন ২০১২; প্রতি জুলাইয়ে অর্থ আইনে বদলায়)",
    },
    permission: "configuration:tax:write",
    scopes: ["platform", "tenant"],
  }),
  defineSetting({
    key: "files.tenantQuotaBytes",
    schema: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    // file-storage's TENANT_QUOTA_BYTES applies while the key is not set.
    default: 10 * 1024 ** 3,
    description: {
      en: "Bytes of files an organisation may store (pending uploads included)",
      bn: "একটি প্রতিষ্ঠান যত বাইট ফাইল রাখতে পারে (অপেক্ষমাণ আপলোডসহ)",
    },
    // A tenant never raises its own quota: only platform operators set it.
    permission: "platform:config:write",
    scopes: ["platform", "tenant"],
  }),
  defineSetting({
    key: "files.maxFileBytes",
    schema: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    // file-storage's MAX_FILE_BYTES applies while the key is not set.
    default: 200 * 1024 ** 2,
    description: {
      en: "Largest file, in bytes, an organisation may upload",
      bn: "একটি প্রতিষ্ঠান সর্বোচ্চ যত বাইটের ফাইল আপলোড করতে পারে",
    },
    permission: "platform:config:write",
    scopes: ["platform", "tenant"],
  }),
  defineSetting({
    key: "gateway.rateLimit.perSecond",
    schema: z.number().int().min(1).max(100_000),
    default: 100,
    description: {
      en: "Requests per second a tenant may make through the gateway",
      bn: "গেটওয়ের মাধ্যমে একটি প্রতিষ্ঠান প্রতি সেকেন্ডে যত অনুরোধ করতে পারে",
    },
    // A tenant never raises its own limit: only platform operators set it.
    permission: "platform:config:write",
    scopes: ["platform", "tenant"],
  }),
];
