import { PLATFORM_TENANT_ID } from "@vextrus/events";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { and, count, eq, gt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { credentials, loginAttempts, tenants, users } from "../db/schema.ts";
import type { PublicContext } from "../deps.ts";
import { LOCKOUT, lockState, type Outcome, recordAttempt } from "./attempts.ts";
import { addMinutes } from "./clock.ts";
import { emitEvent } from "./events.ts";
import { Identifier, type Login, parseIdentifier, Slug } from "./identifiers.ts";
import { verifyPassword } from "./passwords.ts";
import { countRefusal, pruneLoginRefusals, refusalsSince } from "./refusals.ts";
import { type ClientInfo, startSession, type TokenPair } from "./sessions.ts";
import { accountLocked, addressLimited, invalidCredentials } from "./texts.ts";

export const LoginInput = z.object({
  tenantSlug: Slug,
  identifier: Identifier,
  password: z.string().min(1).max(128),
});
export type LoginInput = z.infer<typeof LoginInput>;

const IP_WINDOW_MINUTES = 15;

async function findAccount(tx: Tx, login: Login) {
  const [row] = await tx
    .select({ user: users, passwordHash: credentials.passwordHash })
    .from(users)
    .leftJoin(credentials, eq(credentials.userId, users.id))
    .where(login.kind === "email" ? eq(users.email, login.value) : eq(users.mobile, login.value));
  return row;
}

/**
 * Signs a person in. Unknown tenant, unknown user, wrong password and an inactive account all get the
 * same answer after the same argon2id work; every attempt is recorded (those refused for their address
 * are counted per address and minute instead); an account locks after 5
 * failures in 15 minutes, a client address after `loginIpMaxFailures`.
 */
export async function login({
  ctx,
  input,
  client,
}: {
  ctx: PublicContext;
  input: LoginInput;
  client: ClientInfo;
}): Promise<
  TokenPair & { user: { id: string; name: string; email: string; tenantId: string }; permissions: string[] }
> {
  const { deps } = ctx;
  const identity = parseIdentifier(input.identifier);
  const now = deps.clock.now();
  const { tenant, ipFailures } = await deps.db.privileged(async (tx) => {
    const [found] = await tx.select().from(tenants).where(eq(tenants.slug, input.tenantSlug));
    const [failures] = await tx
      .select({ n: count() })
      .from(loginAttempts)
      .where(
        and(
          eq(loginAttempts.ip, client.ip),
          ne(loginAttempts.outcome, "succeeded"),
          gt(loginAttempts.attemptedAt, addMinutes(now, -IP_WINDOW_MINUTES)),
        ),
      );
    const refused = await refusalsSince(tx, client.ip, addMinutes(now, -IP_WINDOW_MINUTES));
    return { tenant: found, ipFailures: (failures?.n ?? 0) + refused };
  });
  if (ipFailures >= deps.settings.loginIpMaxFailures) {
    // Counted per address and minute, not recorded one by one: a flood adds no rows and no events.
    await deps.db.privileged((tx) => countRefusal(tx, client.ip, now));
    deps.metrics.logins.inc({ outcome: "ip_limited" });
    throw addressLimited();
  }
  const tenantId = tenant?.status === "active" ? tenant.id : PLATFORM_TENANT_ID;
  const account = await deps.db.tenant(
    tenantId,
    async (tx) => {
      const found = await findAccount(tx, identity);
      const accountKey = found ? `user:${found.user.id}` : `${identity.kind}:${identity.value}`;
      return { found, accountKey, ...(await lockState(tx, accountKey, now)) };
    },
    { readOnly: true },
  );
  const attempt = {
    tenantId,
    userId: account.found?.user.id ?? null,
    accountKey: account.accountKey,
    identifier: identity.value,
    client,
    at: now,
  };
  const refuse = async (outcome: Outcome, reason: string, error: Error, lockedUntil?: Date) => {
    await deps.db.tenant(tenantId, (tx) => recordAttempt(tx, { ...attempt, outcome, reason, lockedUntil }));
    deps.metrics.logins.inc({ outcome });
    throw error;
  };
  if (account.lockedUntil && account.lockedUntil > now) {
    return refuse("locked", "locked", accountLocked());
  }
  // argon2id runs whether or not the account exists, so both answers take the same time.
  const passwordOk = await verifyPassword(
    input.password,
    account.found?.passwordHash ?? (await deps.dummyHash),
  );
  const user = account.found?.user;
  if (!passwordOk || !user || !account.found?.passwordHash || user.status !== "active") {
    const reason = !user ? "unknown_account" : !passwordOk ? "wrong_password" : `user_${user.status}`;
    const locks = account.recentFailures + 1 >= LOCKOUT.failures;
    return refuse(
      "failed",
      reason,
      invalidCredentials(),
      locks ? addMinutes(now, LOCKOUT.lockMinutes) : undefined,
    );
  }
  const signer = await deps.keys.signingKey();
  const session = await deps.db.tenant(tenantId, async (tx) => {
    await recordAttempt(tx, { ...attempt, outcome: "succeeded", reason: "password" });
    const started = await startSession(tx, deps, { tenantId, userId: user.id, client, signer });
    await emitEvent(tx, {
      type: "vextrus.auth.login.succeeded",
      subject: user.id,
      tenantId,
      actorId: user.id,
      data: {
        userId: user.id,
        sessionId: started.sessionId,
        method: "password",
        ip: client.ip.slice(0, 100),
        userAgent: client.userAgent?.slice(0, 500),
      },
    });
    return started;
  });
  deps.metrics.logins.inc({ outcome: "succeeded" });
  return { ...session, user: { id: user.id, name: user.name, email: user.email, tenantId } };
}

/**
 * Deletes the sign-in attempts of every tenant made before `before` (lockouts look back 15 minutes,
 * so only the review trail shortens), and the reported refusal counts as old. Platform scope; returns
 * how many attempts were deleted.
 */
export async function pruneLoginAttempts(db: Database, before: Date): Promise<number> {
  return db.privileged(async (tx) => {
    const result = await tx.execute(sql`
      with pruned as (delete from ${loginAttempts} where attempted_at < ${before.toISOString()}::timestamptz returning 1)
      select count(*)::int as n from pruned`);
    await pruneLoginRefusals(tx, before);
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  });
}
