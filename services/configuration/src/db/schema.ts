import { outboxTable, PLATFORM_TENANT_ID } from "@vextrus/events";
import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  check,
  integer,
  jsonb,
  pgPolicy,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const configuration = pgSchema("configuration");

/** Declared widest first: PostgreSQL orders enum values as declared, so `order by scope_level desc` is narrowest first. */
export const scopeLevel = configuration.enum("scope_level", [
  "platform",
  "tenant",
  "company",
  "branch",
  "department",
  "user",
]);

const PLATFORM = sql.raw(`'${PLATFORM_TENANT_ID}'::uuid`);

/**
 * One immutable version of one key's value at one scope. A series is (tenant, key, scope); each
 * change inserts the next version, never updates one. Platform-wide values belong to the platform
 * tenant and every tenant may read them.
 */
export const values = configuration.table(
  "values",
  {
    id: id(),
    tenantId: tenantId(),
    key: text("key").notNull(),
    scopeLevel: scopeLevel("scope_level").notNull(),
    /** The company, branch, department or user id; the tenant's (or the platform's) own id above those. */
    scopeId: uuid("scope_id").notNull(),
    version: integer("version").notNull(),
    /** `{ v: value }`: wrapped, so a JSON string never reaches jsonb as bare text. */
    value: jsonb("value").notNull().$type<{ v: unknown }>(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true, mode: "date" }).notNull(),
    effectiveTo: timestamp("effective_to", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    createdBy: uuid("created_by").notNull(),
  },
  (t) => [
    unique("values_series_version_key").on(t.tenantId, t.key, t.scopeLevel, t.scopeId, t.version),
    check("values_effective_range", sql`${t.effectiveTo} is null or ${t.effectiveTo} > ${t.effectiveFrom}`),
    check("values_platform_scope", sql`(${t.scopeLevel} = 'platform') = (${t.tenantId} = ${PLATFORM})`),
    check("values_version_positive", sql`${t.version} >= 1`),
    tenantIsolation(),
    pgPolicy("platform_values_read", {
      as: "permissive",
      for: "select",
      using: sql`${t.tenantId} = ${PLATFORM}`,
    }),
  ],
);

/** Events waiting for the relay: every change above writes one in its own transaction. */
export const outbox = outboxTable(configuration);
