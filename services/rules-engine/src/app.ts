import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { RulesDeps } from "./deps.ts";
import { RuleSetCache } from "./engine/cache.ts";
import { createRulesMetrics } from "./metrics.ts";
import { rulesEngineRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** The compiled rule-set cache; boot shares it with the rule-change consumer. */
  cache?: RuleSetCache;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  /** The service's metrics registry, when boot shares it with the outbox relay. */
  metrics?: Metrics;
}

/** The rules engine's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("rules-engine");
  const rulesMetrics = createRulesMetrics(metrics.registry);
  const deps: RulesDeps = {
    db: options.db,
    metrics: rulesMetrics,
    cache: options.cache ?? new RuleSetCache({ ttlMs: 60_000 }),
  };
  deps.cache.onCompile = () => rulesMetrics.compilations.inc();
  return createService({
    name: "rules-engine",
    version: pkg.version,
    router: rulesEngineRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
