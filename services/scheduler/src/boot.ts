import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, PLATFORM_TENANT_ID, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { authCredentials, noCredentials } from "./credentials.ts";
import { outbox } from "./db/schema.ts";
import { ensurePlatformJobs } from "./domain/platform-jobs.ts";
import { createWorker } from "./domain/worker.ts";
import type { SchedulerEnv } from "./env.ts";
import { startSchedulerEvents } from "./events.ts";
import { organizationTenants } from "./tenants.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/scheduler", import.meta.url));

/** Migrates, connects, serves HTTP, relays its outbox and (unless SCHEDULER_WORKER=off) runs due jobs. */
export async function bootScheduler(env: SchedulerEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "scheduler", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  if (!env.SERVICE_TOKEN_SECRET) {
    rt.log.warn("SERVICE_TOKEN_SECRET is not set: jobs that call a procedure will fail (event jobs run)");
  }
  const { app, deps } = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    metrics: rt.metrics,
    checks: rt.checks,
    tenants: organizationTenants({
      organizationUrl: env.ORGANIZATION_URL,
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
    }),
  });
  // The platform's own housekeeping jobs (each replica makes sure of them; the key dedupes).
  await rt.db.tenant(PLATFORM_TENANT_ID, (tx) => ensurePlatformJobs(tx, PLATFORM_TENANT_ID, deps.clock()));
  const worker = createWorker({
    db: rt.db,
    clock: deps.clock,
    log: rt.log,
    metrics: deps.metrics,
    gatewayUrl: env.GATEWAY_URL,
    credentials: env.SERVICE_TOKEN_SECRET
      ? authCredentials({
          authUrl: env.AUTH_URL,
          secret: env.SERVICE_TOKEN_SECRET,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        })
      : noCredentials,
    pollMs: env.SCHEDULER_POLL_MS,
    concurrency: env.SCHEDULER_CONCURRENCY,
    tenantConcurrency: env.SCHEDULER_TENANT_CONCURRENCY,
  });
  if (env.SCHEDULER_WORKER === "on") {
    worker.start();
  }
  return rt.serve(app, {
    outbox,
    consumers: (transport) =>
      startSchedulerEvents({
        db: rt.db,
        transport,
        log: rt.log,
        clock: deps.clock,
        registry: rt.metrics.registry,
      }),
    parts: [{ name: "scheduler worker", stop: () => worker.stop() }],
  });
}
