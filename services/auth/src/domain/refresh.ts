import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens, sessions, users } from "../db/schema.ts";
import type { PublicContext } from "../deps.ts";
import { permissionsOf } from "./access.ts";
import { parseToken, sameDigest, sha256 } from "./secrets.ts";
import { issueRefreshToken, revokeSessions, type TokenPair } from "./sessions.ts";
import { tenantIsActive } from "./tenants.ts";
import { refreshRefused } from "./texts.ts";
import { signAccessToken } from "./tokens.ts";

export const RefreshInput = z.object({ refreshToken: z.string().min(1).max(500) });

type RefreshOutcome = { kind: "ok"; tokens: TokenPair } | { kind: "invalid" } | { kind: "reuse" };

/**
 * Rotates a refresh token: it works once. Presenting a used one revokes its whole family (the token
 * was stolen, or the thief already used it) — that revocation commits even though the call fails.
 */
export async function refreshSession({
  ctx,
  input,
}: {
  ctx: PublicContext;
  input: z.infer<typeof RefreshInput>;
}): Promise<TokenPair> {
  const { deps } = ctx;
  const parsed = parseToken(input.refreshToken);
  if (!parsed) {
    deps.metrics.refreshes.inc({ outcome: "invalid" });
    throw refreshRefused();
  }
  const outcome = await deps.db.tenant(parsed.tenantId, async (tx): Promise<RefreshOutcome> => {
    const now = deps.clock.now();
    const [row] = await tx
      .select({ token: refreshTokens, session: sessions, userStatus: users.status })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.id, parsed.rowId));
    if (!row || !sameDigest(sha256(input.refreshToken), row.token.tokenHash)) {
      return { kind: "invalid" };
    }
    const { session } = row;
    const reuse = async (): Promise<RefreshOutcome> => {
      await revokeSessions(tx, deps, {
        tenantId: parsed.tenantId,
        userId: session.userId,
        sessionId: session.id,
        reason: "refresh_token_reuse",
        actorId: null,
      });
      return { kind: "reuse" };
    };
    if (row.token.usedAt) {
      return reuse();
    }
    if (
      session.revokedAt ||
      session.expiresAt <= now ||
      row.token.expiresAt <= now ||
      row.userStatus !== "active" ||
      !(await tenantIsActive(tx, parsed.tenantId))
    ) {
      return { kind: "invalid" };
    }
    const claimed = await tx
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.usedAt)))
      .returning({ id: refreshTokens.id });
    if (claimed.length === 0) {
      return reuse();
    }
    await tx.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, session.id));
    const refreshToken = await issueRefreshToken(tx, deps, parsed.tenantId, session.id, session.expiresAt);
    const permissions = await permissionsOf(tx, session.userId);
    const accessToken = await signAccessToken(deps, {
      userId: session.userId,
      tenantId: parsed.tenantId,
      permissions,
      sessionId: session.id,
    });
    return {
      kind: "ok",
      tokens: {
        accessToken,
        refreshToken,
        expiresIn: deps.settings.accessTokenTtlSeconds,
        sessionId: session.id,
      },
    };
  });
  deps.metrics.refreshes.inc({ outcome: outcome.kind });
  if (outcome.kind !== "ok") {
    if (outcome.kind === "reuse") {
      ctx.log.warn("refresh token reuse: session revoked", { tenantId: parsed.tenantId });
    }
    throw refreshRefused();
  }
  return outcome.tokens;
}
