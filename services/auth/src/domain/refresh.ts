import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens, sessions, users } from "../db/schema.ts";
import type { PublicContext } from "../deps.ts";
import { permissionsOf } from "./access.ts";
import { addSeconds } from "./clock.ts";
import { parseToken, sameDigest, sha256, successorToken } from "./secrets.ts";
import { type ClientInfo, issueRefreshToken, revokeSessions, type TokenPair } from "./sessions.ts";
import { tenantIsActive } from "./tenants.ts";
import { refreshRefused } from "./texts.ts";
import { signAccessToken } from "./tokens.ts";

export const RefreshInput = z.object({ refreshToken: z.string().min(1).max(500) });

/** What the transaction decided; the access token is signed after it commits. */
interface Rotated {
  kind: "ok";
  userId: string;
  sessionId: string;
  permissions: string[];
  /** The successor token: its row id is the access token's jti, its creation the token's iat. */
  successorId: string;
  issuedAt: Date;
  refreshToken: string;
  /** True when this answers a second presentation within the grace window. */
  again: boolean;
}
type RefreshOutcome = Rotated | { kind: "invalid" } | { kind: "reuse" };

type TokenRow = typeof refreshTokens.$inferSelect;
type SessionRow = typeof sessions.$inferSelect;

const readToken = async (tx: Tx, rowId: string) =>
  (
    await tx
      .select({ token: refreshTokens, session: sessions, userStatus: users.status })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.id, rowId))
  )[0];

/**
 * Rotates a refresh token: it works once. Presenting a used one revokes its whole family (the token
 * was stolen, or the thief already used it) — that revocation commits even though the call fails —
 * except when the client that used it presents it again within `refreshReuseGraceSeconds` (two tabs
 * refreshing at once, a retry after a lost answer) while its successor is still unused: that client
 * gets the same new pair again. The access token is signed after the transaction commits.
 */
export async function refreshSession({
  ctx,
  input,
  client,
}: {
  ctx: PublicContext;
  input: z.infer<typeof RefreshInput>;
  client: ClientInfo;
}): Promise<TokenPair> {
  const { deps } = ctx;
  const parsed = parseToken(input.refreshToken);
  if (!parsed) {
    deps.metrics.refreshes.inc({ outcome: "invalid" });
    throw refreshRefused();
  }
  const tenantId = parsed.tenantId;
  const outcome = await deps.db.tenant(tenantId, async (tx): Promise<RefreshOutcome> => {
    const now = deps.clock.now();
    const row = await readToken(tx, parsed.rowId);
    if (!row || !sameDigest(sha256(input.refreshToken), row.token.tokenHash)) {
      return { kind: "invalid" };
    }
    const live = async (found: { session: SessionRow; userStatus: string }) =>
      !found.session.revokedAt &&
      found.session.expiresAt > now &&
      found.userStatus === "active" &&
      (await tenantIsActive(tx, tenantId));
    /** A used token: its successor again for the same client within the window, else the family ends. */
    const presentedAgain = async (found: NonNullable<typeof row>): Promise<RefreshOutcome> => {
      const { session } = found;
      const again = await graceAnswer(tx, found.token, session, {
        now,
        client,
        graceSeconds: deps.settings.refreshReuseGraceSeconds,
      });
      if (again && (await live(found))) {
        const successor = successorToken(input.refreshToken, tenantId, again.id);
        if (sameDigest(sha256(successor), again.tokenHash)) {
          return {
            kind: "ok",
            userId: session.userId,
            sessionId: session.id,
            permissions: await permissionsOf(tx, session.userId),
            successorId: again.id,
            issuedAt: again.createdAt,
            refreshToken: successor,
            again: true,
          };
        }
      }
      await revokeSessions(tx, deps, {
        tenantId,
        userId: session.userId,
        sessionId: session.id,
        reason: "refresh_token_reuse",
        actorId: null,
      });
      return { kind: "reuse" };
    };
    const { session } = row;
    if (row.token.usedAt) {
      return presentedAgain(row);
    }
    if (row.token.expiresAt <= now || !(await live(row))) {
      return { kind: "invalid" };
    }
    const successorId = Bun.randomUUIDv7();
    const claimed = await tx
      .update(refreshTokens)
      .set({
        usedAt: now,
        replacedBy: successorId,
        usedIp: client.ip,
        usedUserAgent: client.userAgent ?? null,
      })
      .where(and(eq(refreshTokens.id, row.token.id), isNull(refreshTokens.usedAt)))
      .returning({ id: refreshTokens.id });
    if (claimed.length === 0) {
      // A concurrent refresh won the row (and has committed): answer as a second presentation.
      const fresh = await readToken(tx, parsed.rowId);
      return fresh ? presentedAgain(fresh) : { kind: "invalid" };
    }
    await tx.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, session.id));
    const refreshToken = await issueRefreshToken(tx, deps, tenantId, session.id, session.expiresAt, {
      id: successorId,
      token: successorToken(input.refreshToken, tenantId, successorId),
    });
    return {
      kind: "ok",
      userId: session.userId,
      sessionId: session.id,
      permissions: await permissionsOf(tx, session.userId),
      successorId,
      issuedAt: now,
      refreshToken,
      again: false,
    };
  });
  if (outcome.kind !== "ok") {
    deps.metrics.refreshes.inc({ outcome: outcome.kind });
    if (outcome.kind === "reuse") {
      ctx.log.warn("refresh token reuse: session revoked", { tenantId });
    }
    throw refreshRefused();
  }
  deps.metrics.refreshes.inc({ outcome: outcome.again ? "grace" : "ok" });
  const accessToken = await signAccessToken(deps, await deps.keys.signingKey(), {
    userId: outcome.userId,
    tenantId,
    permissions: outcome.permissions,
    sessionId: outcome.sessionId,
    jti: outcome.successorId,
    issuedAt: outcome.issuedAt,
  });
  return {
    accessToken,
    refreshToken: outcome.refreshToken,
    expiresIn: deps.settings.accessTokenTtlSeconds,
    sessionId: outcome.sessionId,
  };
}

/**
 * The successor row of a used token when presenting it again is a retry, not a theft: the same client
 * (address and user agent) within the grace window, and the successor not used yet.
 */
async function graceAnswer(
  tx: Tx,
  used: TokenRow,
  session: SessionRow,
  at: { now: Date; client: ClientInfo; graceSeconds: number },
): Promise<TokenRow | undefined> {
  if (
    !used.usedAt ||
    !used.replacedBy ||
    addSeconds(used.usedAt, at.graceSeconds) <= at.now ||
    used.usedIp !== at.client.ip ||
    used.usedUserAgent !== (at.client.userAgent ?? null)
  ) {
    return undefined;
  }
  const [successor] = await tx
    .select()
    .from(refreshTokens)
    .where(and(eq(refreshTokens.id, used.replacedBy), eq(refreshTokens.sessionId, session.id)));
  return successor && !successor.usedAt && successor.expiresAt > at.now ? successor : undefined;
}
