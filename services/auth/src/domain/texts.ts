import { AppError, type Bilingual } from "@vextrus/platform";

/** One answer for unknown tenant, unknown user, wrong password and inactive account (no enumeration). */
export const invalidCredentials = () =>
  new AppError("UNAUTHORIZED", "auth.login.invalid", {
    en: "The organisation, login name or password is not correct",
    bn: "প্রতিষ্ঠান, লগইন নাম বা পাসওয়ার্ড সঠিক নয়",
  });

export const accountLocked = () =>
  new AppError("RATE_LIMITED", "auth.login.locked", {
    en: "Too many failed sign-ins for this account; try again in 15 minutes",
    bn: "এই অ্যাকাউন্টে অনেকবার ভুল সাইন-ইন হয়েছে; ১৫ মিনিট পরে আবার চেষ্টা করুন",
  });

export const addressLimited = () =>
  new AppError("RATE_LIMITED", "auth.login.ip_limited", {
    en: "Too many failed sign-ins from your network; try again later",
    bn: "আপনার নেটওয়ার্ক থেকে অনেকবার ভুল সাইন-ইন হয়েছে; পরে আবার চেষ্টা করুন",
  });

const BUSY = {
  registration: { en: "sign-ups", bn: "নিবন্ধন হয়েছে" },
  reset: { en: "reset requests", bn: "রিসেট চাওয়া হয়েছে" },
};

/** Too many sign-ups or reset requests from one address; `retryAfter` in seconds. */
export const addressBusy = (what: keyof typeof BUSY, retryAfter: number) => {
  const minutes = Math.ceil(retryAfter / 60);
  return new AppError("RATE_LIMITED", `auth.${what}.ip_limited`, {
    en: `Too many ${BUSY[what].en} from your network; try again in ${minutes} minutes`,
    bn: `আপনার নেটওয়ার্ক থেকে অনেকবার ${BUSY[what].bn}; ${minutes} মিনিট পরে আবার চেষ্টা করুন`,
  });
};

export const refreshRefused = () =>
  new AppError("UNAUTHORIZED", "auth.refresh.invalid", {
    en: "Your session has ended; sign in again",
    bn: "আপনার সেশন শেষ হয়েছে; আবার সাইন ইন করুন",
  });

export const staleUser = () =>
  new AppError("CONFLICT", "auth.user.stale", {
    en: "The user was changed by someone else; reload and try again",
    bn: "ব্যবহারকারীর তথ্য অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
  });

export const concurrentUserChange = () =>
  new AppError("CONFLICT", "auth.user.concurrent", {
    en: "The user was changed at the same time; try again",
    bn: "ব্যবহারকারীর তথ্য একই সময়ে পরিবর্তিত হয়েছে; আবার চেষ্টা করুন",
  });

export const LABELS = {
  user: { en: "User", bn: "ব্যবহারকারী" },
  role: { en: "Role", bn: "ভূমিকা" },
  session: { en: "Session", bn: "সেশন" },
  apiKey: { en: "API key", bn: "এপিআই কী" },
} satisfies Record<string, Bilingual>;

export const needsUser = () =>
  new AppError("FORBIDDEN", "auth.principal.not_user", {
    en: "Only a signed-in person can do this (not an API key)",
    bn: "শুধু সাইন-ইন করা ব্যক্তি এটি করতে পারেন (এপিআই কী নয়)",
  });

/** The constraint behind a unique violation (drizzle wraps the driver error as `cause`). */
export function uniqueViolation(error: unknown): string | undefined {
  const candidates = [error, (error as { cause?: unknown } | null)?.cause];
  for (const candidate of candidates) {
    const pg = candidate as { code?: string; constraint_name?: string; constraint?: string } | null;
    if (pg?.code === "23505") {
      return pg.constraint_name ?? pg.constraint ?? "";
    }
  }
  return undefined;
}
