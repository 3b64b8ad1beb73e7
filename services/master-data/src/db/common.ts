import { pgSchema, timestamp } from "drizzle-orm/pg-core";

/** The service's PostgreSQL schema. Every table in it but the outbox is tenant-owned and FORCEs RLS. */
export const masterData = pgSchema("master_data");

/** Set when a record is archived (hidden from lists, restorable); null while it is in use. */
export const archivedAt = () => timestamp("archived_at", { withTimezone: true, mode: "date" });
