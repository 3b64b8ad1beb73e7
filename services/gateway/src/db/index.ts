import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import {
  APP_ROLE,
  type Database,
  migrateService,
  pgliteDatabase,
  postgresDatabase,
} from "@vextrus/platform/db";

export const MIGRATIONS = fileURLToPath(new URL("../../../../drizzle/gateway", import.meta.url));

/**
 * The gateway's own small database (the `gateway` schema: Idempotency-Key answers), migrated first:
 * PostgreSQL from DATABASE_URL, or the embedded PGlite of `npm start`; none without either.
 */
export async function openGatewayDatabase(
  env: { DATABASE_URL?: string | undefined; MIGRATION_DATABASE_URL?: string | undefined },
  pglite?: PGlite,
): Promise<Database | undefined> {
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "gateway", MIGRATIONS);
    return postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE, service: "gateway" });
  }
  if (pglite) {
    await migrateService({ pglite }, "gateway", MIGRATIONS);
    return pgliteDatabase({ client: pglite, appRole: APP_ROLE, service: "gateway" });
  }
  return undefined;
}
