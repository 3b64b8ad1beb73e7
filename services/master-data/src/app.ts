import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { MasterDataDeps } from "./deps.ts";
import { createMasterDataMetrics } from "./metrics.ts";
import { masterDataRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
  /** The clock (tests move it); the system clock otherwise. */
  now?: () => Date;
}

/** The master-data service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("master-data");
  const deps: MasterDataDeps = {
    db: options.db,
    metrics: createMasterDataMetrics(metrics.registry),
    now: options.now ?? (() => new Date()),
  };
  return createService({
    name: "master-data",
    version: pkg.version,
    router: masterDataRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
