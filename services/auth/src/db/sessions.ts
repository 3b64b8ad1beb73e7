import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { foreignKey, index, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { auth, platformRead } from "./base.ts";
import { users } from "./identity.ts";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** A signed-in device: one refresh-token family. Revoking it ends every token of the family. */
export const sessions = auth.table(
  "sessions",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    createdAt: at("created_at").notNull(),
    lastUsedAt: at("last_used_at").notNull(),
    /** Absolute end: after this the user signs in again, however active. */
    expiresAt: at("expires_at").notNull(),
    revokedAt: at("revoked_at"),
    revokeReason: text("revoke_reason"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [
    unique("sessions_tenant_id_id_key").on(t.tenantId, t.id),
    foreignKey({
      name: "sessions_user_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete("cascade"),
    index("sessions_user_id_idx").on(t.tenantId, t.userId),
    tenantIsolation(),
  ],
);

/** One refresh token of a family. Each works once: `usedAt` set means presenting it again is reuse. */
export const refreshTokens = auth.table(
  "refresh_tokens",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid("session_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: at("created_at").notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
  },
  (t) => [
    foreignKey({
      name: "refresh_tokens_session_fk",
      columns: [t.tenantId, t.sessionId],
      foreignColumns: [sessions.tenantId, sessions.id],
    }).onDelete("cascade"),
    index("refresh_tokens_session_id_idx").on(t.tenantId, t.sessionId),
    tenantIsolation(),
  ],
);

export const loginOutcome = auth.enum("login_outcome", ["succeeded", "failed", "locked", "ip_limited"]);

/**
 * Every sign-in attempt. `accountKey` is the user id when the account exists and the identifier
 * otherwise, so unknown and known accounts lock out alike. Attempts on an unknown tenant slug are
 * kept under the platform tenant id.
 */
export const loginAttempts = auth.table(
  "login_attempts",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id"),
    accountKey: text("account_key").notNull(),
    identifier: text("identifier").notNull(),
    ip: text("ip").notNull(),
    userAgent: text("user_agent"),
    outcome: loginOutcome("outcome").notNull(),
    reason: text("reason"),
    attemptedAt: at("attempted_at").notNull(),
    /** Set on the failure that locked the account. */
    lockedUntil: at("locked_until"),
  },
  (t) => [
    index("login_attempts_account_idx").on(t.tenantId, t.accountKey, t.attemptedAt),
    index("login_attempts_ip_idx").on(t.ip, t.attemptedAt),
    tenantIsolation(),
    platformRead(),
  ],
);
