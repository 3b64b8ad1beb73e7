import { tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { check, integer, type PgSchema, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** What a consuming service needs to know of a user: may they be named in new records? */
export const USER_STATUSES = ["active", "deactivated"] as const;
export type KnownUserStatus = (typeof USER_STATUSES)[number];

/**
 * `<schema>.known_users`: auth's users as this service knows them (tenant, id, status, auth's row
 * version), fed by auth's `vextrus.auth.user.*` events and by lookups in auth on a miss. Invited users
 * count as active: they belong to the tenant and may be given a place before they first sign in.
 *
 * A tenant table (row-level security by `tenant_id`). The service's custom migration must add:
 *   ALTER TABLE <schema>.known_users FORCE ROW LEVEL SECURITY;
 *   GRANT SELECT, INSERT, UPDATE ON <schema>.known_users TO vextrus_app;
 */
export function knownUsersTable(schema: PgSchema) {
  return schema.table(
    "known_users",
    {
      tenantId: uuid("tenant_id").notNull(),
      userId: uuid("user_id").notNull(),
      status: text("status", { enum: USER_STATUSES }).notNull(),
      /** auth's `users.version` this row reflects; older facts never overwrite newer ones. */
      version: integer("version").notNull(),
      updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: "known_users_pkey", columns: [t.tenantId, t.userId] }),
      check("known_users_status_check", sql`status in ('active', 'deactivated')`),
      tenantIsolation(),
    ],
  );
}

export type KnownUsersTable = ReturnType<typeof knownUsersTable>;
