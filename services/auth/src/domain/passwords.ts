import { invalidField } from "@vextrus/platform";
import { z } from "zod";
import { COMMON_PASSWORD_WORDS } from "./common-passwords.ts";

/** 12 to 128 characters, any characters (ASVS 2.1.1–2.1.4); no composition rules. */
export const Password = z.string().min(12).max(128);

/** argon2id with 64 MiB and two passes (above OWASP's minimum); deliberately slow. */
const HASH_OPTIONS = { algorithm: "argon2id", memoryCost: 65_536, timeCost: 2 } as const;

export const hashPassword = (password: string) => Bun.password.hash(password.normalize("NFC"), HASH_OPTIONS);

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await Bun.password.verify(password.normalize("NFC"), hash);
  } catch {
    return false;
  }
}

/** A hash of a random password: verified against when the account does not exist, so timing matches. */
export const dummyPasswordHash = () => hashPassword(crypto.randomUUID());

export interface PasswordContext {
  email?: string | undefined;
  name?: string | undefined;
  slug?: string | undefined;
}

const WEAK = {
  en: "This password is too common or too easy to guess; choose a longer phrase of unrelated words",
  bn: "এই পাসওয়ার্ডটি খুব প্রচলিত বা অনুমান করা সহজ; সম্পর্কহীন শব্দ দিয়ে একটি দীর্ঘ বাক্যাংশ বেছে নিন",
};
const PERSONAL = {
  en: "The password must not contain your name, e-mail or organisation name",
  bn: "পাসওয়ার্ডে আপনার নাম, ই-মেইল বা প্রতিষ্ঠানের নাম থাকা চলবে না",
};

/** What is left of a password once digits, symbols and spaces are dropped, lower-cased. */
const letters = (text: string) => text.toLowerCase().replace(/[^\p{L}]/gu, "");

/** Refuses common and guessable passwords (ASVS 2.1.7) with a 400 naming `field`. */
export function assertStrongPassword(password: string, field: string, context: PasswordContext = {}): void {
  const core = letters(password);
  const distinct = new Set(password.toLowerCase()).size;
  if (core.length === 0 || distinct < 5 || COMMON_PASSWORD_WORDS.has(core) || repeatsOneWord(core)) {
    throw invalidField(field, "auth.password.common", WEAK);
  }
  const lower = password.toLowerCase();
  const personal = [context.email?.split("@")[0], context.slug, ...(context.name?.split(/\s+/) ?? [])]
    .map((part) => part?.toLowerCase().trim() ?? "")
    .filter((part) => part.length >= 4);
  if (personal.some((part) => lower.includes(part))) {
    throw invalidField(field, "auth.password.personal", PERSONAL);
  }
}

/** "passwordpassword", "dhakadhaka": a common word said more than once. */
function repeatsOneWord(core: string): boolean {
  for (let size = 3; size <= core.length / 2; size++) {
    if (core.length % size === 0) {
      const unit = core.slice(0, size);
      if (unit.repeat(core.length / size) === core && COMMON_PASSWORD_WORDS.has(unit)) {
        return true;
      }
    }
  }
  return false;
}
