import { z } from "zod";
import type { Principal } from "./auth.ts";
import { AppError, unauthorized } from "./errors.ts";

/** Every API key starts with this; anything else in a bearer header is a JWT. */
export const API_KEY_PREFIX = "vx_";
/** The auth service's route that says whether a key is valid (beside its JWKS document). */
export const API_KEY_INTROSPECTION_PATH = "/api-keys/introspect";

/** The auth service's answer: `{ active: false }` or the key's tenant, id and scoped permissions. */
export const IntrospectionAnswer = z.union([
  z.object({
    active: z.literal(true),
    tenantId: z.uuid(),
    keyId: z.uuid(),
    permissions: z.array(z.string()),
    expiresAt: z.string(),
  }),
  z.object({ active: z.literal(false) }),
]);
export type IntrospectionAnswer = z.infer<typeof IntrospectionAnswer>;

const INVALID = {
  en: "The API key is invalid, expired or revoked",
  bn: "এপিআই কী-টি অবৈধ, মেয়াদোত্তীর্ণ বা বাতিল",
};
const UNAVAILABLE = {
  en: "API keys cannot be checked right now; try again shortly",
  bn: "এই মুহূর্তে এপিআই কী যাচাই করা যাচ্ছে না; একটু পরে আবার চেষ্টা করুন",
};
const MAX_ENTRIES = 10_000;

export const principalOfKey = (answer: Extract<IntrospectionAnswer, { active: true }>): Principal => ({
  tenantId: answer.tenantId,
  userId: answer.keyId,
  permissions: answer.permissions,
  sessionId: undefined,
  apiKeyId: answer.keyId,
});

/**
 * Checks `vx_` keys against the auth service. Answers are cached by the key's SHA-256 (valid ones for
 * `cacheMs`, never past the key's expiry; refused ones for 2 s), so a revocation reaches every service
 * within `cacheMs`. When auth cannot be reached the call is UNAVAILABLE, never let through.
 */
export function createApiKeyVerifier(options: { url: string; cacheMs?: number | undefined }) {
  const cacheMs = options.cacheMs ?? 10_000;
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  return async (key: string): Promise<Principal> => {
    const digest = new Bun.CryptoHasher("sha256").update(key).digest("hex");
    const now = Date.now();
    const cached = cache.get(digest);
    if (cached && cached.until > now) {
      if (!cached.principal) {
        throw unauthorized("auth.api_key.invalid", INVALID);
      }
      return cached.principal;
    }
    let answer: IntrospectionAnswer;
    try {
      const response = await fetch(options.url, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(2_000),
      });
      if (!response.ok && response.status !== 401) {
        throw new Error(`introspection answered ${response.status}`);
      }
      answer = IntrospectionAnswer.parse(await response.json());
    } catch {
      throw new AppError("UNAVAILABLE", "auth.api_key.unavailable", UNAVAILABLE);
    }
    if (cache.size >= MAX_ENTRIES) {
      cache.clear();
    }
    if (!answer.active) {
      cache.set(digest, { principal: null, until: now + 2_000 });
      throw unauthorized("auth.api_key.invalid", INVALID);
    }
    const principal = principalOfKey(answer);
    cache.set(digest, { principal, until: Math.min(now + cacheMs, Date.parse(answer.expiresAt)) });
    return principal;
  };
}
