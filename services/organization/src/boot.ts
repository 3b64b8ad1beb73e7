import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { createLogger, createTokenVerifier, type Logger, listen, type Stoppable } from "@vextrus/platform";
import {
  APP_ROLE,
  type Database,
  migrateService,
  pgliteDatabase,
  postgresDatabase,
} from "@vextrus/platform/db";
import { createApp } from "./app.ts";
import type { OrganizationEnv } from "./env.ts";

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/organization", import.meta.url));

export interface Booted {
  name: string;
  url: string;
  /** Stop in this order: HTTP first, then the database. */
  parts: Stoppable[];
}

/**
 * Wires the service from its settings: migrates, connects, starts HTTP. `pglite` is the embedded
 * database shared by every service of an `npm start` process.
 */
export async function bootOrganization(
  env: OrganizationEnv,
  shared: { pglite?: PGlite; log?: Logger } = {},
): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "organization" });
  let db: Database;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "organization", MIGRATIONS);
    db = postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE });
  } else if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, "organization", MIGRATIONS);
    db = pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE });
  } else {
    throw new Error("organization: set DATABASE_URL, or start it through `npm start` (embedded PGlite)");
  }
  const verifyToken =
    env.JWKS_URL || env.JWT_PUBLIC_KEY
      ? await createTokenVerifier({
          jwksUrl: env.JWKS_URL,
          publicKey: env.JWT_PUBLIC_KEY,
          issuer: env.JWT_ISSUER,
        })
      : undefined;
  if (!verifyToken) {
    log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const app = createApp({ db, log, verifyToken });
  const server = listen(app, env.PORT, "organization");
  log.info("listening", { url: server.url });
  return {
    name: "organization",
    url: server.url,
    parts: [server, { name: "postgres", stop: () => db.close() }],
  };
}
