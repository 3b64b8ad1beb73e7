import { AppError } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { credentials, users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { LOCKOUT, lockState, type Outcome, recordAttempt } from "./attempts.ts";
import { addMinutes } from "./clock.ts";
import { verifyPassword } from "./passwords.ts";
import type { ClientInfo } from "./sessions.ts";
import { accountLocked, needsUser } from "./texts.ts";

const WRONG_CURRENT = () =>
  new AppError(
    "VALIDATION",
    "auth.password.current_wrong",
    { en: "The current password is not correct", bn: "বর্তমান পাসওয়ার্ড সঠিক নয়" },
    "currentPassword",
  );

/**
 * Asks the signed-in person for their current password before a sensitive change (password, e-mail,
 * mobile). It is a sign-in attempt like any other: a locked account is refused, a wrong password counts
 * toward the account's lockout (5 in 15 minutes lock sign-in too), a right one is recorded. The
 * argon2id check runs between two short transactions, never inside one. Returns the user.
 */
export async function reauthenticate(ctx: AuthContext, password: string, client: ClientInfo) {
  if (ctx.principal.apiKeyId) {
    throw needsUser();
  }
  const { deps } = ctx;
  const userId = ctx.principal.userId;
  const accountKey = `user:${userId}`;
  const now = deps.clock.now();
  const found = await deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ user: users, hash: credentials.passwordHash })
        .from(users)
        .innerJoin(credentials, eq(credentials.userId, users.id))
        .where(eq(users.id, userId));
      return row ? { ...row, ...(await lockState(tx, accountKey, now)) } : undefined;
    },
    { readOnly: true },
  );
  if (!found) {
    throw WRONG_CURRENT();
  }
  const record = (outcome: Outcome, reason: string, lockedUntil?: Date) =>
    deps.db.tenant(ctx.tenantId, (tx) =>
      recordAttempt(tx, {
        tenantId: ctx.tenantId,
        userId,
        accountKey,
        identifier: found.user.email,
        client,
        outcome,
        reason,
        at: now,
        lockedUntil,
      }),
    );
  if (found.lockedUntil && found.lockedUntil > now) {
    await record("locked", "locked");
    throw accountLocked();
  }
  if (!(await verifyPassword(password, found.hash))) {
    const locks = found.recentFailures + 1 >= LOCKOUT.failures;
    await record(
      "failed",
      "wrong_current_password",
      locks ? addMinutes(now, LOCKOUT.lockMinutes) : undefined,
    );
    throw WRONG_CURRENT();
  }
  await record("succeeded", "reauthenticated");
  return found.user;
}
