import { AppError } from "@vextrus/platform";
import type { Credentials } from "./deps.ts";

const MISSING = {
  en: "The scheduler has no service credential (SERVICE_TOKEN_SECRET is not set)",
  bn: "শিডিউলারের কোনো সার্ভিস ক্রেডেনশিয়াল নেই (SERVICE_TOKEN_SECRET নির্ধারিত নয়)",
};

/** Without SERVICE_TOKEN_SECRET, procedure targets fail with this (event targets still run). */
export const noCredentials: Credentials = () =>
  Promise.reject(new AppError("UNAVAILABLE", "scheduler.credentials.missing", MISSING));
