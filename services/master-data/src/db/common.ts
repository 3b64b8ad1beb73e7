import { pgSchema } from "drizzle-orm/pg-core";

/** The service's PostgreSQL schema. Every table in it but the outbox is tenant-owned and FORCEs RLS. */
export const masterData = pgSchema("master_data");
