import { bucketColumns, id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  integer,
  pgPolicy,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
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

/**
 * One refresh token of a family. Each works once: `usedAt` set means presenting it again is reuse,
 * except by the client that used it (`usedIp`, `usedUserAgent`) within the grace window, which gets
 * its successor (`replacedBy`) again.
 */
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
    /** The token issued in exchange (its secret is derived from this one's, so only its holder has it). */
    replacedBy: uuid("replaced_by"),
    usedIp: text("used_ip"),
    usedUserAgent: text("used_user_agent"),
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

/**
 * Sign-ins refused because their client address is over its failure limit, counted per address per
 * minute instead of one row (and one audit event) each: a flooding address costs one row and one
 * `login.ip_limited` event per minute, whatever its rate. `reportedAt` is set when the minute's event
 * is written. Platform-only (an address is no tenant's).
 */
export const loginRefusals = auth.table(
  "login_refusals",
  {
    ip: text("ip").notNull(),
    windowStart: at("window_start").notNull(),
    refusals: integer("refusals").notNull(),
    firstAt: at("first_at").notNull(),
    lastAt: at("last_at").notNull(),
    reportedAt: at("reported_at"),
  },
  (t) => [
    primaryKey({ name: "login_refusals_pkey", columns: [t.ip, t.windowStart] }),
    index("login_refusals_window_start_idx").on(t.windowStart),
    pgPolicy("platform_only", {
      as: "permissive",
      for: "all",
      using: sql`current_setting('app.platform', true) = 'on'`,
      withCheck: sql`current_setting('app.platform', true) = 'on'`,
    }),
  ],
);

/**
 * Per-address budgets of sign-ups and reset requests (`registration:<ip>`, `reset:<ip>`), token buckets
 * shared by every auth replica (not tenant rows: a sign-up has no tenant yet).
 */
export const rateBuckets = auth.table("rate_buckets", bucketColumns(), (t) => [
  index("rate_buckets_at_idx").on(t.at),
]);
