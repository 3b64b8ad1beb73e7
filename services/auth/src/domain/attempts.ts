import { PLATFORM_TENANT_ID } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { and, count, eq, gt, max } from "drizzle-orm";
import { loginAttempts } from "../db/schema.ts";
import { addMinutes } from "./clock.ts";
import { emitEvent } from "./events.ts";
import type { ClientInfo } from "./sessions.ts";

/** Sign-in attempts: what locks an account (password checks at login and re-authentication alike). */

/** 5 failures for one account within 15 minutes lock it for 15 minutes. */
export const LOCKOUT = { failures: 5, windowMinutes: 15, lockMinutes: 15 } as const;
export type Outcome = "succeeded" | "failed" | "locked" | "ip_limited";

export interface Attempt {
  tenantId: string;
  userId: string | null;
  accountKey: string;
  identifier: string;
  client: ClientInfo;
  outcome: Outcome;
  reason: string;
  at: Date;
  lockedUntil?: Date | undefined;
}

export async function recordAttempt(tx: Tx, attempt: Attempt) {
  await tx.insert(loginAttempts).values({
    tenantId: attempt.tenantId,
    userId: attempt.userId,
    accountKey: attempt.accountKey,
    identifier: attempt.identifier.slice(0, 254),
    ip: attempt.client.ip,
    userAgent: attempt.client.userAgent?.slice(0, 500),
    outcome: attempt.outcome,
    reason: attempt.reason,
    attemptedAt: attempt.at,
    lockedUntil: attempt.lockedUntil,
  });
  if (attempt.outcome !== "succeeded" && attempt.tenantId !== PLATFORM_TENANT_ID) {
    await emitEvent(tx, {
      type: "vextrus.auth.login.failed",
      subject: attempt.userId ?? attempt.accountKey,
      tenantId: attempt.tenantId,
      actorId: attempt.userId,
      data: {
        email: attempt.identifier.slice(0, 320),
        userId: attempt.userId,
        reason: attempt.reason,
        ip: attempt.client.ip.slice(0, 100),
        userAgent: attempt.client.userAgent?.slice(0, 500),
      },
    });
  }
}

/** The lock on an account (if any) and its failures in the current window since its last success. */
export async function lockState(tx: Tx, accountKey: string, now: Date) {
  const since = addMinutes(now, -LOCKOUT.windowMinutes);
  const [lock] = await tx
    .select({ until: max(loginAttempts.lockedUntil) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.accountKey, accountKey), gt(loginAttempts.lockedUntil, now)));
  const [success] = await tx
    .select({ at: max(loginAttempts.attemptedAt) })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.accountKey, accountKey), eq(loginAttempts.outcome, "succeeded")));
  const lastSuccess = success?.at ?? null;
  const from = lastSuccess && lastSuccess > since ? lastSuccess : since;
  const [failures] = await tx
    .select({ n: count() })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.accountKey, accountKey),
        eq(loginAttempts.outcome, "failed"),
        gt(loginAttempts.attemptedAt, from),
      ),
    );
  return { lockedUntil: lock?.until ?? null, recentFailures: failures?.n ?? 0 };
}
