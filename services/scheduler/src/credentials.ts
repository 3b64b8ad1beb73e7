import { AppError } from "@vextrus/platform";
import { z } from "zod";
import type { Credentials } from "./deps.ts";

const MISSING = {
  en: "The scheduler has no service credential (SERVICE_TOKEN_SECRET is not set)",
  bn: "শিডিউলারের কোনো সার্ভিস ক্রেডেনশিয়াল নেই (SERVICE_TOKEN_SECRET নির্ধারিত নয়)",
};
const REFUSED = {
  en: "The auth service did not issue a service credential for the job",
  bn: "অথ সার্ভিস কাজটির জন্য সার্ভিস ক্রেডেনশিয়াল দেয়নি",
};

/** Without SERVICE_TOKEN_SECRET, procedure targets fail with this (event targets still run). */
export const noCredentials: Credentials = () =>
  Promise.reject(new AppError("UNAVAILABLE", "scheduler.credentials.missing", MISSING));

const Answer = z.object({ token: z.string().min(1) });

/**
 * One-minute tokens from auth's `POST /service-tokens` (the shared SERVICE_TOKEN_SECRET proves it is
 * the scheduler asking): for the job's tenant, acting for its creator, with the job's permissions.
 */
export function authCredentials(options: {
  authUrl: string;
  secret: string;
  timeoutMs: number;
}): Credentials {
  const url = `${options.authUrl.replace(/\/$/, "")}/service-tokens`;
  return async (tenantId, userId, permissions) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${options.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ tenantId, userId, permissions, service: "scheduler" }),
      signal: AbortSignal.timeout(options.timeoutMs),
    }).catch(() => undefined);
    const answer = Answer.safeParse(response?.ok ? await response.json().catch(() => undefined) : undefined);
    if (!answer.success) {
      throw new AppError("UNAVAILABLE", "scheduler.credentials.refused", REFUSED);
    }
    return answer.data.token;
  };
}
