import { sql } from "drizzle-orm";
import { integer, pgPolicy, timestamp, uuid } from "drizzle-orm/pg-core";

/** UUIDv7 primary key: time-ordered, so indexes stay compact. */
export const id = () =>
  uuid("id")
    .primaryKey()
    .$defaultFn(() => Bun.randomUUIDv7());

export const tenantId = () => uuid("tenant_id").notNull();

export const timestamps = () => ({
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** Optimistic concurrency: updates say which version they read. */
export const version = () => integer("version").notNull().default(1);

export const CURRENT_TENANT = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

/** The row-level security policy every tenant-owned table carries (FORCE is added by a custom migration). */
export const tenantIsolation = (column = "tenant_id") =>
  pgPolicy("tenant_isolation", {
    as: "permissive",
    for: "all",
    using: sql`${sql.identifier(column)} = ${CURRENT_TENANT}`,
    withCheck: sql`${sql.identifier(column)} = ${CURRENT_TENANT}`,
  });
