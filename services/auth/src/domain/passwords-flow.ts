import { PLATFORM_TENANT_ID } from "@vextrus/events";
import { invalidField } from "@vextrus/platform";
import { and, count, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import { credentials, passwordResetTokens, sessions, tenants, users } from "../db/schema.ts";
import type { AuthContext, PublicContext } from "../deps.ts";
import { addMinutes } from "./clock.ts";
import { deliverAll } from "./courier.ts";
import { emitEvent } from "./events.ts";
import { Identifier, parseIdentifier, Slug } from "./identifiers.ts";
import { assertStrongPassword, hashPassword, Password } from "./passwords.ts";
import { reauthenticate } from "./reauth.ts";
import { mintToken, parseToken, sameDigest, sha256 } from "./secrets.ts";
import { type ClientInfo, revokeSessions } from "./sessions.ts";
import { addressBusy } from "./texts.ts";
import { issueVerificationsFor } from "./verification.ts";

/** A reset link is valid for 30 minutes; at most 3 may be open per user at once (no mail bombing). */
export const RESET_TTL_MINUTES = 30;
const MAX_OPEN_RESETS = 3;

export const RequestResetInput = z.object({ tenantSlug: Slug, identifier: Identifier });

/**
 * Starts a password reset. The answer is the same whether or not the account exists; when it does and
 * the identifier is a verified address of it, a 30-minute single-use token is stored hashed,
 * password_reset.requested is emitted (without the token) and the courier hands the link to that
 * address. An unverified address gets nothing (the same answer), so whoever set an address they
 * receive cannot take the account over through a reset, and nothing tells the two cases apart.
 */
export async function requestPasswordReset({
  ctx,
  input,
  client,
}: {
  ctx: PublicContext;
  input: z.infer<typeof RequestResetInput>;
  client: ClientInfo;
}) {
  const { deps } = ctx;
  const identity = parseIdentifier(input.identifier);
  const wait = await deps.limits.resetRequest.take(client.ip);
  if (wait > 0) {
    throw addressBusy("reset", wait);
  }
  const now = deps.clock.now();
  const [tenant] = await deps.db.privileged((tx) =>
    tx
      .select({ id: tenants.id, status: tenants.status })
      .from(tenants)
      .where(eq(tenants.slug, input.tenantSlug)),
  );
  const tenantId = tenant?.status === "active" ? tenant.id : PLATFORM_TENANT_ID;
  const issued = await deps.db.tenant(tenantId, async (tx) => {
    const [user] = await tx
      .select()
      .from(users)
      .where(
        and(
          identity.kind === "email"
            ? and(eq(users.email, identity.value), isNotNull(users.emailVerifiedAt))
            : and(eq(users.mobile, identity.value), isNotNull(users.mobileVerifiedAt)),
          eq(users.status, "active"),
        ),
      );
    if (!user) {
      return undefined;
    }
    const [open] = await tx
      .select({ n: count() })
      .from(passwordResetTokens)
      .where(
        and(
          eq(passwordResetTokens.userId, user.id),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, now),
        ),
      );
    if ((open?.n ?? 0) >= MAX_OPEN_RESETS) {
      return undefined;
    }
    const resetId = Bun.randomUUIDv7();
    const token = mintToken(tenantId, resetId);
    const expiresAt = addMinutes(now, RESET_TTL_MINUTES);
    await tx.insert(passwordResetTokens).values({
      id: resetId,
      tenantId,
      userId: user.id,
      purpose: "reset",
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt,
      requestedIp: client.ip,
    });
    const address = identity.value;
    await emitEvent(tx, {
      type: "vextrus.auth.password_reset.requested",
      subject: user.id,
      tenantId,
      actorId: null,
      data: { userId: user.id, resetId, expiresAt: expiresAt.toISOString(), deliveryAddress: address },
    });
    return { userId: user.id, resetId, token, expiresAt, address };
  });
  // Not awaited: the answer must not take longer when the account exists (a mail round trip would
  // tell an existing account from an unknown one). deliverAll logs a failure and never throws.
  void deliverAll(deps.courier, ctx.log, issued ? [{ purpose: "reset", tenantId, ...issued }] : []);
  return { accepted: true as const };
}

export const CompleteResetInput = z.object({ token: z.string().min(1).max(500), password: Password });

const TOKEN_INVALID = () =>
  invalidField("token", "auth.reset.invalid", {
    en: "This link is invalid, used or expired; ask for a new one",
    bn: "এই লিংকটি অবৈধ, ব্যবহৃত বা মেয়াদোত্তীর্ণ; নতুন একটি চেয়ে নিন",
  });

/**
 * Sets a password with a reset or invitation token (`purpose`). The token works once; every session of
 * the user ends; an invited user becomes active.
 */
export async function completeWithToken({
  ctx,
  input,
  purpose,
}: {
  ctx: PublicContext;
  input: z.infer<typeof CompleteResetInput>;
  purpose: "reset" | "invite";
}) {
  const { deps } = ctx;
  const parsed = parseToken(input.token);
  if (!parsed) {
    throw TOKEN_INVALID();
  }
  const now = deps.clock.now();
  // Looked up first (read-only) so the password check can name the user's details before hashing.
  const found = await deps.db.tenant(
    parsed.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ reset: passwordResetTokens, user: users })
        .from(passwordResetTokens)
        .innerJoin(users, eq(users.id, passwordResetTokens.userId))
        .where(eq(passwordResetTokens.id, parsed.rowId));
      return row;
    },
    { readOnly: true },
  );
  const wantedStatus = purpose === "invite" ? "invited" : "active";
  if (
    !found ||
    !sameDigest(sha256(input.token), found.reset.tokenHash) ||
    found.reset.purpose !== purpose ||
    found.reset.usedAt ||
    found.reset.expiresAt <= now ||
    found.user.status !== wantedStatus
  ) {
    throw TOKEN_INVALID();
  }
  assertStrongPassword(input.password, "password", { email: found.user.email, name: found.user.name });
  const passwordHash = await hashPassword(input.password);
  const userId = found.user.id;
  const links = await deps.db.tenant(parsed.tenantId, async (tx) => {
    const claimed = await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.id, parsed.rowId), isNull(passwordResetTokens.usedAt)))
      .returning({ id: passwordResetTokens.id });
    if (claimed.length === 0) {
      throw TOKEN_INVALID();
    }
    await tx
      .insert(credentials)
      .values({ userId, tenantId: parsed.tenantId, passwordHash, changedAt: now })
      .onConflictDoUpdate({ target: credentials.userId, set: { passwordHash, changedAt: now } });
    if (purpose === "invite") {
      await tx.update(users).set({ status: "active", updatedAt: now }).where(eq(users.id, userId));
    }
    // An invitation link is also shown to the inviter, so accepting it proves no address: ask for proof.
    const links = purpose === "invite" ? await issueVerificationsFor(tx, deps, found.user) : [];
    await revokeSessions(tx, deps, {
      tenantId: parsed.tenantId,
      userId,
      reason: "password_changed",
      actorId: userId,
    });
    await emitEvent(tx, {
      type: "vextrus.auth.password.changed",
      subject: userId,
      tenantId: parsed.tenantId,
      actorId: userId,
      data: { userId, via: "reset" },
    });
    return links;
  });
  await deliverAll(deps.courier, ctx.log, links);
  return { userId, passwordSet: true as const };
}

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(128),
  newPassword: Password,
});

/**
 * Changes one's own password (the current one is required, and a wrong one counts toward the account's
 * lockout); every other session ends.
 */
export async function changePassword({
  ctx,
  input,
  client,
}: {
  ctx: AuthContext;
  input: z.infer<typeof ChangePasswordInput>;
  client: ClientInfo;
}) {
  const { deps } = ctx;
  const user = await reauthenticate(ctx, input.currentPassword, client);
  const userId = user.id;
  assertStrongPassword(input.newPassword, "newPassword", { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.tenant(ctx.tenantId, async (tx) => {
    await tx.update(credentials).set({ passwordHash, changedAt: now }).where(eq(credentials.userId, userId));
    const others = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    for (const session of others) {
      if (session.id !== ctx.principal.sessionId) {
        await revokeSessions(tx, deps, {
          tenantId: ctx.tenantId,
          userId,
          sessionId: session.id,
          reason: "password_changed",
          actorId: userId,
        });
      }
    }
    await emitEvent(tx, {
      type: "vextrus.auth.password.changed",
      subject: userId,
      tenantId: ctx.tenantId,
      actorId: userId,
      data: { userId, via: "self" },
    });
  });
  return { passwordChanged: true as const };
}
