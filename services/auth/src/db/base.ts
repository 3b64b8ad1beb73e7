import { sql } from "drizzle-orm";
import { pgPolicy, pgSchema } from "drizzle-orm/pg-core";

export const auth = pgSchema("auth");

/** Cross-tenant reads for platform work (login by slug, per-IP limits) inside `db.privileged`. */
export const platformRead = () =>
  pgPolicy("platform_read", {
    as: "permissive",
    for: "select",
    using: sql`current_setting('app.platform', true) = 'on'`,
  });
