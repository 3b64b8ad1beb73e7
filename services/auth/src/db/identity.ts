import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { foreignKey, index, pgPolicy, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { auth, platformRead } from "./base.ts";

export const tenantStatus = auth.enum("tenant_status", ["pending", "active", "suspended"]);
export const userStatus = auth.enum("user_status", ["invited", "active", "deactivated"]);

/**
 * Auth's mirror of the organization service's tenants: enough to log in by slug. A row is `pending`
 * while registration is under way, so a slug or founding e-mail is reserved before organization is asked.
 */
export const tenants = auth.table(
  "tenants",
  {
    id: uuid("id").primaryKey(),
    slug: text("slug").notNull().unique("tenants_slug_key"),
    /** The e-mail that registered the tenant: one person founds at most one tenant. */
    ownerEmail: text("owner_email").notNull().unique("tenants_owner_email_key"),
    status: tenantStatus("status").notNull().default("pending"),
    ...timestamps(),
  },
  () => [
    pgPolicy("tenant_isolation", {
      as: "permissive",
      for: "all",
      using: sql`id = nullif(current_setting('app.tenant_id', true), '')::uuid`,
      withCheck: sql`id = nullif(current_setting('app.tenant_id', true), '')::uuid`,
    }),
    platformRead(),
  ],
);

/**
 * A person who may sign in to one tenant. E-mail (lower case) and mobile (+880…) are unique per tenant.
 * An address counts as the person's only once they have proved they receive it (`…VerifiedAt`, set by a
 * contact verification, cleared when the address changes); password resets go to verified addresses only.
 */
export const users = auth.table(
  "users",
  {
    id: id(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    mobile: text("mobile"),
    name: text("name").notNull(),
    status: userStatus("status").notNull().default("active"),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true, mode: "date" }),
    mobileVerifiedAt: timestamp("mobile_verified_at", { withTimezone: true, mode: "date" }),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true, mode: "date" }),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("users_tenant_id_id_key").on(t.tenantId, t.id),
    unique("users_tenant_id_email_key").on(t.tenantId, t.email),
    unique("users_tenant_id_mobile_key").on(t.tenantId, t.mobile),
    tenantIsolation(),
  ],
);

/** A user's password (argon2id PHC string). A user without a row has not set one yet (invited). */
export const credentials = auth.table(
  "credentials",
  {
    userId: uuid("user_id").primaryKey(),
    tenantId: tenantId(),
    passwordHash: text("password_hash").notNull(),
    changedAt: timestamp("changed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    foreignKey({
      name: "credentials_user_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete("cascade"),
    tenantIsolation(),
  ],
);

export const resetPurpose = auth.enum("reset_purpose", ["reset", "invite"]);

/** Single-use secrets to set a password: a reset (30 minutes) or an invitation. Only the SHA-256 is kept. */
export const passwordResetTokens = auth.table(
  "password_reset_tokens",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    purpose: resetPurpose("purpose").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    requestedIp: text("requested_ip"),
  },
  (t) => [
    foreignKey({
      name: "password_reset_tokens_user_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete("cascade"),
    index("password_reset_tokens_user_id_idx").on(t.tenantId, t.userId),
    tenantIsolation(),
  ],
);

export const contactChannel = auth.enum("contact_channel", ["email", "mobile"]);

/**
 * Single-use secrets that prove a person receives an address (24 hours). Only the SHA-256 is kept; the
 * address is recorded so a secret sent to an address the user no longer has verifies nothing.
 */
export const contactVerifications = auth.table(
  "contact_verifications",
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    channel: contactChannel("channel").notNull(),
    address: text("address").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    foreignKey({
      name: "contact_verifications_user_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete("cascade"),
    index("contact_verifications_user_id_idx").on(t.tenantId, t.userId),
    tenantIsolation(),
  ],
);
