import { BdMobile } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { z } from "zod";

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lowercase letters, digits and single dashes");
export const Name = z.string().trim().min(1).max(200);
/** What a person types to sign in: their e-mail or their Bangladeshi mobile number. */
export const Identifier = z.string().trim().min(3).max(254);

export type Login = { kind: "email"; value: string } | { kind: "mobile"; value: string };

/** Reads an identifier as an e-mail (has `@`) or a BD mobile (+880…); anything else is a 400 on `field`. */
export function parseIdentifier(text: string, field = "identifier"): Login {
  if (text.includes("@")) {
    const email = Email.safeParse(text);
    if (email.success) {
      return { kind: "email", value: email.data };
    }
  } else {
    const mobile = BdMobile.safeParse(text);
    if (mobile.success) {
      return { kind: "mobile", value: mobile.data };
    }
  }
  throw invalidField(field, "auth.identifier.invalid", {
    en: "Enter your e-mail address or Bangladeshi mobile number",
    bn: "আপনার ই-মেইল ঠিকানা বা বাংলাদেশি মোবাইল নম্বর লিখুন",
  });
}
