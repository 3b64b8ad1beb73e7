import { type Principal, unauthorized } from "@vextrus/platform";
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { AuthDeps } from "../deps.ts";
import type { Signer } from "./signing-keys.ts";

const AccessClaims = z.object({
  sub: z.string().min(1),
  tid: z.uuid(),
  perms: z.array(z.string()),
  sid: z.string().optional(),
});

const INVALID = { en: "The access token is invalid or expired", bn: "অ্যাক্সেস টোকেনটি অবৈধ বা মেয়াদোত্তীর্ণ" };

type TokenDeps = Pick<AuthDeps, "keys" | "clock" | "settings">;

type SignDeps = Pick<AuthDeps, "clock" | "settings">;

/**
 * Signs with a key the caller took from `deps.keys.signingKey()` BEFORE opening any transaction:
 * taking it may reload the keys, a query of its own that must not wait inside another transaction.
 */
function sign(
  deps: SignDeps,
  { kid, privateKey }: Signer,
  claims: { sub: string; tid: string; perms: readonly string[]; sid?: string; jti?: string; iat?: Date },
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor((claims.iat ?? deps.clock.now()).getTime() / 1000);
  return new SignJWT({
    tid: claims.tid,
    perms: [...claims.perms],
    ...(claims.sid ? { sid: claims.sid } : {}),
  })
    .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(deps.settings.issuer)
    .setJti(claims.jti ?? Bun.randomUUIDv7())
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(privateKey);
}

/**
 * A user's access token: EdDSA, `accessTokenTtlSeconds` (15 minutes by default). With `jti` and
 * `issuedAt` given, signing the same claims again gives the same token (Ed25519 is deterministic) while
 * the signing key is the same.
 */
export const signAccessToken = (
  deps: SignDeps,
  signer: Signer,
  claims: {
    userId: string;
    tenantId: string;
    permissions: readonly string[];
    sessionId: string;
    jti?: string;
    issuedAt?: Date;
  },
) =>
  sign(
    deps,
    signer,
    {
      sub: claims.userId,
      tid: claims.tenantId,
      perms: claims.permissions,
      sid: claims.sessionId,
      ...(claims.jti ? { jti: claims.jti } : {}),
      ...(claims.issuedAt ? { iat: claims.issuedAt } : {}),
    },
    deps.settings.accessTokenTtlSeconds,
  );

/** A one-minute token auth uses to call another service on its own behalf (e.g. create a tenant). */
export const signServiceToken = async (deps: TokenDeps, tenantId: string, permissions: readonly string[]) =>
  sign(deps, await deps.keys.signingKey(), { sub: "service:auth", tid: tenantId, perms: permissions }, 60);

/** A one-minute token a trusted service (the scheduler) runs with, for a user of a tenant. */
export const signOnBehalf = async (
  deps: TokenDeps,
  claims: { tenantId: string; userId: string; permissions: readonly string[] },
) =>
  sign(
    deps,
    await deps.keys.signingKey(),
    { sub: claims.userId, tid: claims.tenantId, perms: claims.permissions },
    60,
  );

/** Verifies a token auth itself issued (EdDSA only, issuer checked, the kid must be a published key). */
export async function verifyAccessToken(deps: TokenDeps, token: string): Promise<Principal> {
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = await deps.keys.publicKey(kid);
    if (!key) {
      throw new Error("unknown kid");
    }
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["EdDSA"],
      issuer: deps.settings.issuer,
      currentDate: deps.clock.now(),
    });
    const claims = AccessClaims.parse(payload);
    return { tenantId: claims.tid, userId: claims.sub, permissions: claims.perms, sessionId: claims.sid };
  } catch {
    throw unauthorized("auth.token.invalid", INVALID);
  }
}
