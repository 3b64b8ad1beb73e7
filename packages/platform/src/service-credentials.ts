import { z } from "zod";
import { AppError } from "./errors.ts";

/** A short-lived token for a user of a tenant with these permissions (background work acts for a user). */
export type ServiceCredentials = (
  tenantId: string,
  userId: string,
  permissions: readonly string[],
) => Promise<string>;

const Answer = z.object({ token: z.string().min(1) });

/** How long an issued one-minute token is reused for the same tenant, user and permissions. */
const REUSE_MS = 30_000;
const MAX_CACHED = 10_000;

/** Credentials that always refuse: the service has no SERVICE_TOKEN_SECRET. */
export const missingCredentials =
  (service: string): ServiceCredentials =>
  () =>
    Promise.reject(
      new AppError("UNAVAILABLE", `${service}.credentials.missing`, {
        en: `${service} has no service credential (SERVICE_TOKEN_SECRET is not set)`,
        bn: `${service}-এর কোনো সার্ভিস ক্রেডেনশিয়াল নেই (SERVICE_TOKEN_SECRET নির্ধারিত নয়)`,
      }),
    );

/**
 * One-minute tokens from auth's `POST /service-tokens` (the shared SERVICE_TOKEN_SECRET proves which
 * service asks), reused for 30 s per tenant, user and permissions (concurrent asks share one request;
 * a refusal is not kept).
 */
export function serviceCredentials(options: {
  service: string;
  authUrl: string;
  secret: string;
  timeoutMs: number;
}): ServiceCredentials {
  const url = `${options.authUrl.replace(/\/$/, "")}/service-tokens`;
  const cache = new Map<string, { token: Promise<string>; until: number }>();
  const issue = async (tenantId: string, userId: string, permissions: readonly string[]) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${options.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ tenantId, userId, permissions, service: options.service }),
      signal: AbortSignal.timeout(options.timeoutMs),
    }).catch(() => undefined);
    const answer = Answer.safeParse(response?.ok ? await response.json().catch(() => undefined) : undefined);
    if (!answer.success) {
      throw new AppError("UNAVAILABLE", `${options.service}.credentials.refused`, {
        en: `The auth service did not issue a credential to ${options.service}`,
        bn: `অথ সার্ভিস ${options.service}-কে ক্রেডেনশিয়াল দেয়নি`,
      });
    }
    return answer.data.token;
  };
  return (tenantId, userId, permissions) => {
    const key = `${tenantId}|${userId}|${[...permissions].sort().join(",")}`;
    const cached = cache.get(key);
    if (cached && cached.until > Date.now()) {
      return cached.token;
    }
    if (cache.size >= MAX_CACHED) {
      cache.clear();
    }
    const token = issue(tenantId, userId, permissions);
    cache.set(key, { token, until: Date.now() + REUSE_MS });
    token.catch(() => cache.delete(key));
    return token;
  };
}
