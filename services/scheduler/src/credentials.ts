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

/** How long an issued one-minute token is reused for further runs of the same tenant, actor and permissions. */
const REUSE_MS = 30_000;
/** Tokens kept at most; past it the cache starts over. */
const MAX_CACHED = 10_000;

/**
 * One-minute tokens from auth's `POST /service-tokens` (the shared SERVICE_TOKEN_SECRET proves it is
 * the scheduler asking): for the job's tenant, acting for its creator, with the job's permissions.
 * A token is reused for 30 s by runs with the same tenant, actor and permissions (concurrent asks
 * share one request), so a burst of runs costs auth one signature per tenant, not one per run.
 */
export function authCredentials(options: {
  authUrl: string;
  secret: string;
  timeoutMs: number;
  clock?: () => number;
}): Credentials {
  const url = `${options.authUrl.replace(/\/$/, "")}/service-tokens`;
  const now = options.clock ?? Date.now;
  const cache = new Map<string, { token: Promise<string>; until: number }>();
  const issue = async (tenantId: string, userId: string, permissions: readonly string[]) => {
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
  return (tenantId, userId, permissions) => {
    const key = `${tenantId}|${userId}|${[...permissions].sort().join(",")}`;
    const cached = cache.get(key);
    if (cached && cached.until > now()) {
      return cached.token;
    }
    if (cache.size >= MAX_CACHED) {
      cache.clear();
    }
    const token = issue(tenantId, userId, permissions);
    cache.set(key, { token, until: now() + REUSE_MS });
    // A refusal is not kept: the next run asks again.
    token.catch(() => cache.delete(key));
    return token;
  };
}
