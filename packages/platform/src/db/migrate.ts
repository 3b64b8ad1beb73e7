import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export type MigrationTarget = { url: string } | { pglite: PGlite };

/**
 * Applies a service's committed migrations (`drizzle/<service>/`). The journal lives in the shared
 * `drizzle` schema, one table per service, so each service's migrations stay independent.
 */
export async function migrateService(
  target: MigrationTarget,
  service: string,
  folder: string,
): Promise<void> {
  const config = {
    migrationsFolder: folder,
    migrationsSchema: "drizzle",
    migrationsTable: `__migrations_${service.replaceAll("-", "_")}`,
  };
  if ("pglite" in target) {
    await migratePglite(drizzlePglite({ client: target.pglite }), config);
    return;
  }
  const sql = postgres(target.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    // One migrator at a time per service, even when several replicas start together.
    await sql`select pg_advisory_lock(hashtext(${config.migrationsTable}))`;
    await migratePostgres(drizzlePostgres({ client: sql }), config);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
