import { authDirectory, createKnownUsers } from "@vextrus/known-users";
import {
  createMetrics,
  createService,
  createServiceClient,
  type Fetch,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import { knownUsers } from "./db/schema.ts";
import type { OrganizationDeps } from "./deps.ts";
import { TenantStatusCache } from "./domain/tenant-status.ts";
import { createOrganizationMetrics } from "./metrics.ts";
import { organizationRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
  /**
   * auth, asked about users the projection does not know yet (with the caller's token); without it
   * only users whose events have arrived are known.
   */
  auth?: { url: string; fetch?: Fetch | undefined } | undefined;
  upstreamTimeoutMs?: number;
}

/** The organization service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("organization");
  const deps: OrganizationDeps = {
    db: options.db,
    metrics: createOrganizationMetrics(metrics.registry, options.db),
    tenantStatus: new TenantStatusCache(),
    users: createKnownUsers({
      db: options.db,
      table: knownUsers,
      metrics: { service: "organization", registry: metrics.registry },
      directory: options.auth
        ? authDirectory(
            createServiceClient({
              service: "auth",
              ...options.auth,
              timeoutMs: options.upstreamTimeoutMs ?? 5_000,
            }),
          )
        : undefined,
    }),
  };
  return createService({
    name: "organization",
    version: pkg.version,
    router: organizationRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
