import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { ConfigurationDeps } from "./deps.ts";
import { createConfigurationMetrics } from "./metrics.ts";
import { configurationRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
  /** The server's clock; tests move it. */
  clock?: () => Date;
}

/** The configuration service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("configuration");
  const deps: ConfigurationDeps = {
    db: options.db,
    metrics: createConfigurationMetrics(metrics.registry),
    clock: options.clock ?? (() => new Date()),
  };
  return createService({
    name: "configuration",
    version: pkg.version,
    router: configurationRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
