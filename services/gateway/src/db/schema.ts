import { bucketColumns } from "@vextrus/platform/db";
import { index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

export const gatewaySchema = pgSchema("gateway");

/**
 * One row per Idempotency-Key a caller sent with a POST: the first answer, replayed to every retry
 * with the same key. Keyed by the caller (a hash of its Authorization header) and the key, so two
 * callers never see each other's answers; not tenant rows (an API key's tenant is unknown here).
 */
export const idempotencyKeys = gatewaySchema.table(
  "idempotency_keys",
  {
    /** SHA-256 of the Authorization header (of "" without one). */
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    fingerprint: text("fingerprint").notNull(),
    /** Null while the first request is in flight. */
    status: integer("status"),
    headers: jsonb("headers").$type<Record<string, string>>(),
    body: text("body"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_keys_created_at_idx").on(t.createdAt),
  ],
);

/**
 * Token buckets every gateway replica shares (RATE_LIMIT_TENANT_SHARED): one row per limited key
 * (`tenant:<id>`), its tokens as of `at`. Refilled by arithmetic in the statement that takes from it.
 */
export const rateBuckets = gatewaySchema.table("rate_buckets", bucketColumns(), (t) => [
  index("rate_buckets_at_idx").on(t.at),
]);
