import { Postcode, toLatinDigits } from "@vextrus/bd";
import { z } from "zod";
import { district, division, upazila } from "../geo/index.ts";

const issue = (en: string, bn: string, path: string) => ({
  code: "custom" as const,
  message: en,
  path: [path],
  params: { messageBn: bn },
});

/** A field's spreadsheet column: English and Bengali title and an example (party import templates). */
const col = (title: string, titleBn: string, example: unknown) => ({ title, titleBn, example });

export const ADDRESS_KINDS = ["registered", "billing", "site", "shipping"] as const;

/**
 * An address in Bangladesh: division → district → upazila from the shipped administrative list
 * (each must lie in the one above it) and a 4-digit postcode.
 */
export const Address = z
  .object({
    kind: z
      .enum(ADDRESS_KINDS)
      .default("billing")
      .meta(col("Address kind", "ঠিকানার ধরন", "billing")),
    line1: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta(col("Address", "ঠিকানা", "House 12, Road 5, Dhanmondi")),
    line2: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta(col("Address line 2", "ঠিকানা (২য় লাইন)", "")),
    divisionId: z
      .number()
      .int()
      .min(1)
      .max(99)
      .meta(col("Division", "বিভাগ", "Dhaka")),
    districtId: z
      .number()
      .int()
      .min(1)
      .max(999)
      .meta(col("District", "জেলা", "Dhaka")),
    upazilaId: z
      .number()
      .int()
      .min(1)
      .max(9999)
      .optional()
      .meta(col("Upazila", "উপজেলা", "")),
    postcode: Postcode.meta(col("Postcode", "পোস্টকোড", "1205")),
  })
  .superRefine((a, ctx) => {
    if (!division(a.divisionId)) {
      ctx.addIssue(issue("No such division", "এই নামে কোনো বিভাগ নেই", "divisionId"));
      return;
    }
    const d = district(a.districtId);
    if (!d || d.divisionId !== a.divisionId) {
      ctx.addIssue(issue("No such district in this division", "এই বিভাগে এমন কোনো জেলা নেই", "districtId"));
      return;
    }
    const u = a.upazilaId === undefined ? undefined : upazila(a.upazilaId);
    if (a.upazilaId !== undefined && (!u || u.districtId !== a.districtId)) {
      ctx.addIssue(issue("No such upazila in this district", "এই জেলায় এমন কোনো উপজেলা নেই", "upazilaId"));
    }
  });
export type Address = z.output<typeof Address>;

const digitsOnly = (input: string) => toLatinDigits(input).replace(/[\s-]/g, "");

/** Bangladesh Bank routing number: 9 digits (bank, district, branch, check digit). */
export const RoutingNumber = z
  .string()
  .transform(digitsOnly)
  .refine((digits) => /^\d{9}$/.test(digits), {
    message: "A routing number has 9 digits",
    params: { messageBn: "রাউটিং নম্বর ৯ অঙ্কের হতে হবে" },
  });

export const BankAccount = z.object({
  bankName: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .meta(col("Bank", "ব্যাংক", "Sonali Bank PLC")),
  branchName: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .meta(col("Bank branch", "ব্যাংক শাখা", "Motijheel")),
  routingNumber: RoutingNumber.meta(col("Routing number", "রাউটিং নম্বর", "200274224")),
  accountNo: z
    .string()
    .transform(digitsOnly)
    .refine((account) => /^[0-9A-Za-z]{6,34}$/.test(account), {
      message: "An account number has 6 to 34 letters or digits",
      params: { messageBn: "হিসাব নম্বর ৬ থেকে ৩৪টি অক্ষর বা সংখ্যার হতে হবে" },
    })
    .meta(col("Bank account no.", "ব্যাংক হিসাব নং", "0123456789012")),
  accountName: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta(col("Bank account name", "ব্যাংক হিসাবের নাম", "Rahim Builders Ltd")),
});
export type BankAccount = z.output<typeof BankAccount>;
