import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import type { ConfigurationEnv } from "./env.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/configuration", import.meta.url));

/** Migrates, connects, serves HTTP and relays its outbox (to the shared bus, or Kafka when set). */
export async function bootConfiguration(
  env: ConfigurationEnv,
  shared: SharedResources = {},
): Promise<Booted> {
  const rt = await openRuntime({ service: "configuration", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const app = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    metrics: rt.metrics,
    checks: rt.checks,
  });
  return rt.serve(app, { outbox });
}
