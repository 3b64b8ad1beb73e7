import { id, tenantId, tenantIsolation, timestamps, version } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { foreignKey, index, pgPolicy, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { auth } from "./base.ts";
import { users } from "./identity.ts";

/** The catalog of permission strings `<service>:<entity>:<action>` (seeded by migration, read by all). */
export const permissions = auth.table(
  "permissions",
  {
    name: text("name").primaryKey(),
    service: text("service").notNull(),
    description: text("description").notNull(),
    descriptionBn: text("description_bn").notNull(),
  },
  () => [pgPolicy("catalog_read", { as: "permissive", for: "select", using: sql`true` })],
);

/**
 * A named set of permissions. Built-in roles (`builtin` set) take their permissions from code so they
 * follow the platform's releases; custom roles list theirs in role_permissions.
 */
export const roles = auth.table(
  "roles",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    description: text("description"),
    builtin: text("builtin"),
    ...timestamps(),
    version: version(),
  },
  (t) => [
    unique("roles_tenant_id_id_key").on(t.tenantId, t.id),
    unique("roles_tenant_id_name_key").on(t.tenantId, t.name),
    tenantIsolation(),
  ],
);

export const rolePermissions = auth.table(
  "role_permissions",
  {
    tenantId: tenantId(),
    roleId: uuid("role_id").notNull(),
    permission: text("permission").notNull(),
  },
  (t) => [
    primaryKey({ name: "role_permissions_pkey", columns: [t.tenantId, t.roleId, t.permission] }),
    foreignKey({
      name: "role_permissions_role_fk",
      columns: [t.tenantId, t.roleId],
      foreignColumns: [roles.tenantId, roles.id],
    }).onDelete("cascade"),
    tenantIsolation(),
  ],
);

export const userRoles = auth.table(
  "user_roles",
  {
    tenantId: tenantId(),
    userId: uuid("user_id").notNull(),
    roleId: uuid("role_id").notNull(),
    assignedAt: timestamp("assigned_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    assignedBy: uuid("assigned_by"),
  },
  (t) => [
    primaryKey({ name: "user_roles_pkey", columns: [t.tenantId, t.userId, t.roleId] }),
    foreignKey({
      name: "user_roles_user_fk",
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "user_roles_role_fk",
      columns: [t.tenantId, t.roleId],
      foreignColumns: [roles.tenantId, roles.id],
    }),
    index("user_roles_role_id_idx").on(t.tenantId, t.roleId),
    tenantIsolation(),
  ],
);

/** A machine client's key: only its SHA-256 is stored; it carries a subset of its creator's permissions. */
export const apiKeys = auth.table(
  "api_keys",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** The first characters of the key, to recognise it in a list. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    permissions: text("permissions").array().notNull(),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    foreignKey({
      name: "api_keys_created_by_fk",
      columns: [t.tenantId, t.createdBy],
      foreignColumns: [users.tenantId, users.id],
    }),
    tenantIsolation(),
  ],
);
