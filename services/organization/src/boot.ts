import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { knownUsersWiring } from "@vextrus/known-users";
import { createApp } from "./app.ts";
import { inbox, knownUsers, outbox } from "./db/schema.ts";
import type { OrganizationEnv } from "./env.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/organization", import.meta.url));

/**
 * Migrates, connects, serves HTTP, relays its outbox and follows auth's user events (on the shared bus,
 * or Kafka when set); auth (AUTH_URL, else JWKS_URL's origin) answers for users not seen yet.
 */
export async function bootOrganization(env: OrganizationEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "organization", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const { authUrl, consumers } = knownUsersWiring(rt, env, {
    service: "organization",
    inbox,
    table: knownUsers,
  });
  const app = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    metrics: rt.metrics,
    checks: rt.checks,
    auth: authUrl ? { url: authUrl } : undefined,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  });
  return rt.serve(app, {
    outbox,
    consumers,
  });
}
