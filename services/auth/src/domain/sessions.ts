import { hasPermission, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens, sessions, tenants, users } from "../db/schema.ts";
import type { AuthContext, AuthDeps } from "../deps.ts";
import { permissionsOf } from "./access.ts";
import { addMinutes } from "./clock.ts";
import { emitEvent } from "./events.ts";
import { mintToken, sha256 } from "./secrets.ts";
import type { Signer } from "./signing-keys.ts";
import { LABELS, needsUser } from "./texts.ts";
import { signAccessToken } from "./tokens.ts";

/** Where a request came from (the client address decides per-IP limits). */
export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
}

type SessionDeps = Pick<AuthDeps, "keys" | "clock" | "settings">;

/**
 * Issues a refresh token in a session, valid for the idle window but never past the session's end.
 * `minted` is a token made by the caller (a rotation derives its successor), else a random one.
 */
export async function issueRefreshToken(
  tx: Tx,
  deps: SessionDeps,
  tenantId: string,
  sessionId: string,
  sessionEnd: Date,
  minted?: { id: string; token: string },
) {
  const now = deps.clock.now();
  const idleEnd = addMinutes(now, deps.settings.sessionIdleMinutes);
  const id = minted?.id ?? Bun.randomUUIDv7();
  const token = minted?.token ?? mintToken(tenantId, id);
  await tx.insert(refreshTokens).values({
    id,
    tenantId,
    sessionId,
    tokenHash: sha256(token),
    createdAt: now,
    expiresAt: idleEnd < sessionEnd ? idleEnd : sessionEnd,
  });
  return token;
}

/**
 * Starts a session (a refresh-token family) for a user and signs their first access token with
 * `signer`, which the caller took from `deps.keys.signingKey()` before opening `tx`.
 */
export async function startSession(
  tx: Tx,
  deps: SessionDeps,
  input: { tenantId: string; userId: string; client: ClientInfo; signer: Signer },
): Promise<TokenPair & { permissions: string[] }> {
  const now = deps.clock.now();
  const sessionId = Bun.randomUUIDv7();
  const expiresAt = addMinutes(now, deps.settings.sessionMaxHours * 60);
  await tx.insert(sessions).values({
    id: sessionId,
    tenantId: input.tenantId,
    userId: input.userId,
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
    ip: input.client.ip,
    userAgent: input.client.userAgent?.slice(0, 500),
  });
  const refreshToken = await issueRefreshToken(tx, deps, input.tenantId, sessionId, expiresAt);
  const permissions = await permissionsOf(tx, input.userId);
  const accessToken = await signAccessToken(deps, input.signer, {
    userId: input.userId,
    tenantId: input.tenantId,
    permissions,
    sessionId,
  });
  return {
    accessToken,
    refreshToken,
    expiresIn: deps.settings.accessTokenTtlSeconds,
    sessionId,
    permissions,
  };
}

/** Ends sessions (all of a user's, or one) and emits session.revoked for each that was open. */
export async function revokeSessions(
  tx: Tx,
  deps: Pick<AuthDeps, "clock">,
  input: { tenantId: string; userId: string; sessionId?: string; reason: string; actorId: string | null },
): Promise<number> {
  const revoked = await tx
    .update(sessions)
    .set({ revokedAt: deps.clock.now(), revokeReason: input.reason })
    .where(
      and(
        eq(sessions.userId, input.userId),
        input.sessionId ? eq(sessions.id, input.sessionId) : undefined,
        isNull(sessions.revokedAt),
      ),
    )
    .returning({ id: sessions.id });
  for (const session of revoked) {
    await emitEvent(tx, {
      type: "vextrus.auth.session.revoked",
      subject: session.id,
      tenantId: input.tenantId,
      actorId: input.actorId,
      data: { sessionId: session.id, userId: input.userId, reason: input.reason },
    });
  }
  return revoked.length;
}

/** Ends the caller's own session (the one its access token names). */
export async function logout({ ctx }: { ctx: AuthContext }) {
  const sessionId = ctx.principal.sessionId;
  if (!sessionId || ctx.principal.apiKeyId) {
    throw needsUser();
  }
  const userId = ctx.principal.userId;
  await ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    revokeSessions(tx, ctx.deps, {
      tenantId: ctx.tenantId,
      userId,
      sessionId,
      reason: "logout",
      actorId: userId,
    }),
  );
  return { loggedOut: true };
}

export const ListSessionsInput = z
  .object({ userId: z.uuid().optional(), includeEnded: z.boolean().default(false) })
  .default({ includeEnded: false });

const OTHERS_READ = "auth:session:read";
const OTHERS_REVOKE = "auth:session:revoke";

function assertMayActOn(ctx: AuthContext, userId: string, permission: string) {
  if (userId !== ctx.principal.userId && !hasPermission(ctx.principal.permissions, permission)) {
    throw notFound(LABELS.user, "auth.user.not_found");
  }
}

/** A user's sessions: one's own always, another user's with auth:session:read. */
export async function listSessions({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof ListSessionsInput>;
}) {
  const userId = input.userId ?? ctx.principal.userId;
  assertMayActOn(ctx, userId, OTHERS_READ);
  const now = ctx.deps.clock.now();
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select()
        .from(sessions)
        .where(
          and(
            eq(sessions.userId, userId),
            input.includeEnded ? undefined : and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now)),
          ),
        )
        .orderBy(desc(sessions.id))
        .limit(100),
    { readOnly: true },
  );
  return rows.map((s) => ({
    id: s.id,
    userId: s.userId,
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    expiresAt: s.expiresAt,
    revokedAt: s.revokedAt,
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === ctx.principal.sessionId,
  }));
}

export const RevokeSessionInput = z.object({ sessionId: z.uuid() });

/** Ends one session: one's own always, another user's with auth:session:revoke. */
export async function revokeSession({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof RevokeSessionInput>;
}) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [session] = await tx.select().from(sessions).where(eq(sessions.id, input.sessionId));
    if (!session) {
      throw notFound(LABELS.session, "auth.session.not_found");
    }
    if (session.userId !== ctx.principal.userId && !hasPermission(ctx.principal.permissions, OTHERS_REVOKE)) {
      throw notFound(LABELS.session, "auth.session.not_found");
    }
    const count = await revokeSessions(tx, ctx.deps, {
      tenantId: ctx.tenantId,
      userId: session.userId,
      sessionId: session.id,
      reason: "revoked",
      actorId: ctx.principal.userId,
    });
    return { sessionId: session.id, revoked: count > 0 || session.revokedAt !== null };
  });
}

/** True when the session a token names is still open and its user active (auth's own calls check this). */
export async function sessionIsOpen(deps: AuthDeps, tenantId: string, sessionId: string, userId: string) {
  const now = deps.clock.now();
  const rows = await deps.db.tenant(
    tenantId,
    (tx) =>
      tx
        .select({ id: sessions.id })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
        .where(
          and(
            eq(tenants.status, "active"),
            eq(sessions.id, sessionId),
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            gt(sessions.expiresAt, now),
            eq(users.status, "active"),
          ),
        ),
    { readOnly: true },
  );
  return rows.length > 0;
}
