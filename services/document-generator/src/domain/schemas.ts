import { Bin, Money } from "@vextrus/bd";
import { z } from "zod";

/** Text a person typed: trimmed, not empty, bounded (NUL and forbidden keys are refused by the platform). */
export const Text = (max: number) => z.string().trim().min(1).max(max);

export const Locale = z.enum(["en", "bn"]);

/** A document's own number (invoice, order or certificate number) as the tenant's series gives it. */
export const DocNumber = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} /_.#-]*$/u, "letters, digits, space and / _ . # -");

/** A registered party: name, BIN (13 digits; 9- and 11-digit BINs are void) and address. */
export const Party = z.strictObject({ name: Text(200), bin: Bin, address: Text(500) });

/** A party that need not be VAT-registered (a purchase order's supplier, a work order's contractor). */
export const Counterparty = z.strictObject({ name: Text(200), bin: Bin.optional(), address: Text(500) });

const isThousandths = (n: number) => Math.abs(Math.round(n * 1000) - n * 1000) < 1e-6;

/** A quantity: positive, at most three decimals. */
export const Quantity = z
  .number()
  .positive()
  .max(1_000_000_000)
  .refine(isThousandths, {
    message: "at most 3 decimals",
    params: { messageBn: "দশমিকের পরে সর্বোচ্চ ৩ অঙ্ক" },
  });

/** A price: decimal money (string or number, at most two decimals), not negative. */
export const Price = Money.refine((amount) => !amount.startsWith("-"), {
  message: "must not be negative",
  params: { messageBn: "ঋণাত্মক হতে পারে না" },
});

/** A tax rate in percent, 0–100, at most two decimals. */
export const Rate = z
  .number()
  .min(0)
  .max(100)
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, {
    message: "at most 2 decimals",
    params: { messageBn: "দশমিকের পরে সর্বোচ্চ ২ অঙ্ক" },
  });

export const Officer = z.strictObject({ name: Text(120), designation: Text(120) });

/** The most lines a document may carry (about 90 A4 pages of an invoice). */
export const MAX_LINES = 5_000;
