import { fileURLToPath } from "node:url";
import { createConfigReader } from "@vextrus/config/reader";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { knownUsersWiring } from "@vextrus/known-users";
import { createApp } from "./app.ts";
import { inbox, knownUsers, outbox } from "./db/schema.ts";
import type { Clock } from "./deps.ts";
import type { WorkflowEnv } from "./env.ts";
import { createOrganizationCache } from "./upstream/organization-cache.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/workflow", import.meta.url));

/**
 * Migrates, connects, serves HTTP, relays its outbox and follows auth's user events; organization and
 * rules-engine are the services it asks for chains and rule evaluations, configuration for the
 * tenant's default SLA, auth (AUTH_URL, else JWKS_URL's origin) for users not seen yet (each with the
 * caller's own token).
 */
export async function bootWorkflow(
  env: WorkflowEnv,
  shared: SharedResources = {},
  options: { clock?: Clock | undefined } = {},
): Promise<Booted> {
  const rt = await openRuntime({ service: "workflow", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const config = createConfigReader({
    service: "workflow",
    url: env.CONFIGURATION_URL,
    log: rt.log,
    transport: rt.transport,
    timeoutMs: env.UPSTREAM_TIMEOUT_MS,
    replicaId: env.REPLICA_ID,
  });
  await config.start();
  const organizationCache =
    env.ORGANIZATION_CACHE_TTL_MS > 0
      ? createOrganizationCache({
          ttlMs: env.ORGANIZATION_CACHE_TTL_MS,
          transport: rt.transport,
          replicaId: env.REPLICA_ID,
        })
      : undefined;
  await organizationCache?.start();
  const { authUrl, consumers } = knownUsersWiring(rt, env, { service: "workflow", inbox, table: knownUsers });
  const app = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    metrics: rt.metrics,
    checks: rt.checks,
    organization: { url: env.ORGANIZATION_URL },
    rules: { url: env.RULES_URL },
    auth: authUrl ? { url: authUrl } : undefined,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    clock: options.clock,
    config,
    organizationCache,
  });
  rt.log.info("upstreams", {
    organization: env.ORGANIZATION_URL,
    rules: env.RULES_URL,
    configuration: env.CONFIGURATION_URL,
    auth: authUrl,
  });
  return rt.serve(app, {
    outbox,
    consumers,
    parts: [
      { name: "config reader", stop: () => config.stop() },
      ...(organizationCache ? [{ name: "organization cache", stop: () => organizationCache.stop() }] : []),
    ],
  });
}
