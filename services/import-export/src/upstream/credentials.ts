import { AppError } from "@vextrus/platform";
import { z } from "zod";

/** A short-lived token for a user of a tenant with these permissions (jobs act for their creator). */
export type Credentials = (
  tenantId: string,
  userId: string,
  permissions: readonly string[],
) => Promise<string>;

const MISSING = {
  en: "Import and export jobs have no service credential (SERVICE_TOKEN_SECRET is not set)",
  bn: "ইমপোর্ট ও এক্সপোর্টের কাজের কোনো সার্ভিস ক্রেডেনশিয়াল নেই (SERVICE_TOKEN_SECRET নির্ধারিত নয়)",
};
const REFUSED = {
  en: "The auth service did not issue a credential for the job",
  bn: "অথ সার্ভিস কাজটির জন্য ক্রেডেনশিয়াল দেয়নি",
};

export const noCredentials: Credentials = () =>
  Promise.reject(new AppError("UNAVAILABLE", "import_export.credentials.missing", MISSING));

const Answer = z.object({ token: z.string().min(1) });

/**
 * One-minute tokens from auth's `POST /service-tokens` (the shared SERVICE_TOKEN_SECRET proves it is
 * import-export asking), reused for 30 s: a job resumed after a restart needs no user online.
 */
export function authCredentials(options: {
  authUrl: string;
  secret: string;
  timeoutMs: number;
}): Credentials {
  const url = `${options.authUrl.replace(/\/$/, "")}/service-tokens`;
  const cache = new Map<string, { token: string; until: number }>();
  return async (tenantId, userId, permissions) => {
    const key = `${tenantId}|${userId}|${[...permissions].sort().join(",")}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) {
      return hit.token;
    }
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${options.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ tenantId, userId, permissions, service: "import-export" }),
      signal: AbortSignal.timeout(options.timeoutMs),
    }).catch(() => undefined);
    const answer = Answer.safeParse(response?.ok ? await response.json().catch(() => undefined) : undefined);
    if (!answer.success) {
      throw new AppError("UNAVAILABLE", "import_export.credentials.refused", REFUSED);
    }
    if (cache.size > 1_000) {
      cache.clear();
    }
    cache.set(key, { token: answer.data.token, until: Date.now() + 30_000 });
    return answer.data.token;
  };
}
