import type { JWK, JWTVerifyGetKey } from "jose";
import { createLocalJWKSet, createRemoteJWKSet, errors, importJWK, importSPKI, jwtVerify } from "jose";
import { z } from "zod";
import { API_KEY_INTROSPECTION_PATH, API_KEY_PREFIX, createApiKeyVerifier } from "./api-keys.ts";
import { AppError, unauthorized } from "./errors.ts";

/** Who is calling: every procedure's context carries this once the token is verified. */
export interface Principal {
  tenantId: string;
  userId: string;
  permissions: readonly string[];
  sessionId: string | undefined;
  /** Set when the caller is a machine client with an API key (`userId` is then the key's id). */
  apiKeyId?: string | undefined;
}

const AccessClaims = z.object({
  sub: z.string().min(1),
  tid: z.uuid(),
  perms: z.array(z.string()).default([]),
  sid: z.string().optional(),
});

export type TokenVerifier = (token: string) => Promise<Principal>;

export interface VerifierOptions {
  jwksUrl?: string | undefined;
  publicKey?: string | undefined;
  issuer?: string | undefined;
  /** How soon an unknown `kid` may trigger another JWKS fetch (guards the auth service from floods). */
  jwksCooldownMs?: number | undefined;
  /**
   * Where `Bearer vx_…` API keys are checked. Defaults to `api-keys/introspect` beside the JWKS
   * document (`…/.well-known/jwks.json` → `…/api-keys/introspect`, both served by auth); `false`
   * refuses API keys.
   */
  apiKeyIntrospectionUrl?: string | false | undefined;
  /** How long a checked API key is remembered (default 10 s); a refused one, 2 s. */
  apiKeyCacheMs?: number | undefined;
}

/**
 * How soon an unknown `kid` may trigger another JWKS fetch by default. Auth signs with a new key only
 * once it has been published for longer than this, so every service can learn it first.
 */
export const JWKS_COOLDOWN_MS = 5_000;

const INVALID = { en: "The access token is invalid or expired", bn: "অ্যাক্সেস টোকেনটি অবৈধ বা মেয়াদোত্তীর্ণ" };
const KEYS_UNAVAILABLE = {
  en: "The auth service's signing keys could not be fetched to check the access token; try again shortly",
  bn: "অ্যাক্সেস টোকেন যাচাইয়ের জন্য অথ সার্ভিসের সাইনিং কী আনা যায়নি; একটু পরে আবার চেষ্টা করুন",
};

/**
 * The key set could not be had (auth down, slow, or answering something else than a key set): the
 * token was never judged, so the caller hears "try again", not "sign in again".
 */
function keysUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) {
    return true;
  }
  if (error instanceof errors.JOSEError) {
    return error.code === "ERR_JOSE_GENERIC"; // no 200 OK, or not JSON, from the JWKS URL
  }
  return !(error instanceof z.ZodError); // fetch's own failure: refused, reset, DNS
}

async function keySource(options: VerifierOptions): Promise<JWTVerifyGetKey | CryptoKey | Uint8Array> {
  if (options.jwksUrl) {
    // jose caches the key set and refetches on an unknown `kid` (key rotation), at most once per cooldown.
    return createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5_000,
    });
  }
  if (options.publicKey) {
    const text = options.publicKey.trim();
    if (text.startsWith("{")) {
      const jwk = JSON.parse(text) as JWK;
      return text.includes('"keys"')
        ? createLocalJWKSet(JSON.parse(text) as { keys: JWK[] })
        : await importJWK(jwk, "EdDSA");
    }
    return importSPKI(text, "EdDSA");
  }
  throw new Error("No way to verify tokens: set JWKS_URL or JWT_PUBLIC_KEY");
}

/**
 * Verifies EdDSA access tokens (only EdDSA: `alg: none` and HMAC confusion are refused by jose), and
 * API keys (`vx_…`) by asking the auth service, cached briefly.
 */
export async function createTokenVerifier(options: VerifierOptions): Promise<TokenVerifier> {
  const key = await keySource(options);
  const introspectionUrl =
    options.apiKeyIntrospectionUrl === false
      ? undefined
      : (options.apiKeyIntrospectionUrl ??
        (options.jwksUrl
          ? new URL(`..${API_KEY_INTROSPECTION_PATH}`, options.jwksUrl).toString()
          : undefined));
  const verifyApiKey = introspectionUrl
    ? createApiKeyVerifier({ url: introspectionUrl, cacheMs: options.apiKeyCacheMs })
    : undefined;
  const verified = new Map<string, { principal: Principal; until: number }>();
  return async (token) => {
    if (token.startsWith(API_KEY_PREFIX)) {
      if (!verifyApiKey) {
        throw unauthorized("auth.token.invalid", INVALID);
      }
      return verifyApiKey(token);
    }
    const known = verified.get(token);
    if (known && known.until > Date.now()) {
      return known.principal;
    }
    try {
      const verifyOptions = { algorithms: ["EdDSA"], issuer: options.issuer };
      const { payload } =
        typeof key === "function"
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, key, verifyOptions);
      const claims = AccessClaims.parse(payload);
      const principal = {
        tenantId: claims.tid,
        userId: claims.sub,
        permissions: claims.perms,
        sessionId: claims.sid,
      };
      remember(token, principal, (payload.exp ?? 0) * 1000);
      return principal;
    } catch (error) {
      if (typeof key === "function" && options.jwksUrl && keysUnreachable(error)) {
        throw new AppError("UNAVAILABLE", "auth.keys.unavailable", KEYS_UNAVAILABLE);
      }
      throw unauthorized("auth.token.invalid", INVALID);
    }
  };

  /**
   * A token verified once is trusted until it expires (at most VERIFIED_CACHE_MS): the signature check
   * is the costly part of every request, and a token's claims cannot change.
   */
  function remember(token: string, principal: Principal, expiresAt: number) {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) {
        verified.delete(oldest);
      }
    }
    verified.set(token, { principal, until: Math.min(expiresAt, Date.now() + VERIFIED_CACHE_MS) });
  }
}

/**
 * The verifier a process's settings describe (JWKS_URL, else JWT_PUBLIC_KEY, with JWT_ISSUER), or
 * undefined when they name neither (every bearer token is then refused, or left unverified).
 */
export function tokenVerifierFromEnv(
  env: { JWKS_URL?: string | undefined; JWT_PUBLIC_KEY?: string | undefined; JWT_ISSUER: string },
  options: Pick<VerifierOptions, "apiKeyIntrospectionUrl"> = {},
): Promise<TokenVerifier> | undefined {
  if (!env.JWKS_URL && !env.JWT_PUBLIC_KEY) {
    return undefined;
  }
  return createTokenVerifier({
    jwksUrl: env.JWKS_URL,
    publicKey: env.JWT_PUBLIC_KEY,
    issuer: env.JWT_ISSUER,
    ...options,
  });
}

const VERIFIED_CACHE_SIZE = 10_000;
const VERIFIED_CACHE_MS = 60_000;

/** `organization:department:create` is granted by itself, by `organization:department:*`, `organization:*` or `*`. */
export function hasPermission(granted: readonly string[], required: string): boolean {
  if (granted.includes(required) || granted.includes("*")) {
    return true;
  }
  const parts = required.split(":");
  for (let i = parts.length - 1; i > 0; i--) {
    if (granted.includes(`${parts.slice(0, i).join(":")}:*`)) {
      return true;
    }
  }
  return false;
}
