/**
 * `npm start`: every service built so far in one process. Embedded by default (one PGlite database
 * under DATA_DIR shared by all services); with DATABASE_URL / KAFKA_BROKERS set, those instead.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger, readEnvOrExit, type Stoppable, stopOnSignal } from "@vextrus/platform";

/** In one process every service reads the same environment; `<SERVICE>_PORT` picks each one's port. */
const envFor = (service: string) => ({
  ...process.env,
  PORT: process.env[`${service.toUpperCase().replaceAll("-", "_")}_PORT`],
});

const env = readEnvOrExit(OrganizationEnv, envFor("organization"));
const log = createLogger({ level: env.LOG_LEVEL });

let pglite: PGlite | undefined;
if (!env.DATABASE_URL) {
  const dir = join(env.DATA_DIR, "pglite");
  mkdirSync(dir, { recursive: true });
  pglite = await PGlite.create(dir);
  log.info("embedded database", { dir });
}

const booted = [await bootOrganization(env, { pglite, log })];

const parts: Stoppable[] = booted.flatMap((service) => service.parts);
if (pglite) {
  const db = pglite;
  parts.push({ name: "pglite", stop: () => db.close() });
}
stopOnSignal(parts, log, env.SHUTDOWN_TIMEOUT_MS);

console.log("\nVextrus is running:");
for (const service of booted) {
  console.log(`  ${service.name.padEnd(20)} ${service.url}  (/trpc, /health/ready, /metrics)`);
}
console.log(
  `  database: ${pglite ? `embedded PGlite in ${env.DATA_DIR}/pglite` : "PostgreSQL from DATABASE_URL"}`,
);
console.log("Press Ctrl-C to stop.\n");
