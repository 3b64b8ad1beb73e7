import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import { RuleSetCache } from "./engine/cache.ts";
import type { RulesEngineEnv } from "./env.ts";
import { startRulesEvents } from "./events.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/rules-engine", import.meta.url));

/**
 * Migrates, connects, serves HTTP, relays its outbox and consumes tenant-created (installs the packs)
 * and rule-change events (invalidates this replica's compiled rule sets).
 */
export async function bootRulesEngine(env: RulesEngineEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "rules-engine", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const cache = new RuleSetCache({ ttlMs: env.RULES_CACHE_TTL_MS });
  const { db, log, metrics } = rt;
  const app = createApp({ db, log, verifyToken: rt.verifyToken, metrics, checks: rt.checks, cache });
  return rt.serve(app, {
    outbox,
    consumers: (transport) =>
      startRulesEvents({ db, transport, cache, log, registry: metrics.registry, replicaId: env.REPLICA_ID }),
  });
}
