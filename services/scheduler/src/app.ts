import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { SchedulerDeps, TenantDirectory } from "./deps.ts";
import { createSchedulerMetrics } from "./metrics.ts";
import { schedulerRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  checks?: Record<string, () => Promise<unknown>>;
  metrics?: Metrics;
  /** The server's clock; tests move it. */
  clock?: () => Date;
  /** Where the backfill job lists tenants (organization, through the gateway). */
  tenants: TenantDirectory;
}

/** The scheduler's HTTP app and the deps its worker shares. No side effects. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("scheduler");
  const clock = options.clock ?? (() => new Date());
  const deps: SchedulerDeps = {
    db: options.db,
    metrics: createSchedulerMetrics(metrics.registry, options.db, clock),
    clock,
    tenants: options.tenants,
  };
  const app = createService({
    name: "scheduler",
    version: pkg.version,
    router: schedulerRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
  return { app, deps };
}
