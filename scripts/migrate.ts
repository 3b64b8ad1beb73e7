/**
 * `npm run migrate`: applies every service's committed migrations (drizzle/<service>/) to the
 * PostgreSQL in MIGRATION_DATABASE_URL (or DATABASE_URL). Services also migrate themselves at start.
 */

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readEnvOrExit } from "@vextrus/platform";
import { migrateService } from "@vextrus/platform/db";
import { z } from "zod";

const env = readEnvOrExit(
  z
    .object({
      DATABASE_URL: z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
        .optional(),
      MIGRATION_DATABASE_URL: z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
        .optional(),
    })
    .refine((e) => e.DATABASE_URL || e.MIGRATION_DATABASE_URL, "set MIGRATION_DATABASE_URL or DATABASE_URL"),
  process.env,
);
const url = env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL ?? "";
const root = join(import.meta.dir, "..", "drizzle");
for (const service of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
  const started = performance.now();
  await migrateService({ url }, service.name, join(root, service.name));
  console.log(`${service.name.padEnd(20)} migrated in ${Math.round(performance.now() - started)} ms`);
}
