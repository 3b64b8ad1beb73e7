import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { AuditDeps } from "./deps.ts";
import { exportRoute } from "./export-route.ts";
import { type AuditMetrics, createAuditMetrics } from "./metrics.ts";
import { auditRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  metrics?: Metrics;
  auditMetrics?: AuditMetrics;
  /** AUDIT_RETENTION_DAYS (default 2,555: seven years). */
  retentionDays?: number;
}

/** The audit service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("audit");
  const deps: AuditDeps = {
    db: options.db,
    metrics: options.auditMetrics ?? createAuditMetrics(metrics.registry, options.db),
    retentionDays: options.retentionDays ?? 2_555,
  };
  return createService({
    name: "audit",
    version: pkg.version,
    router: auditRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
    routes: exportRoute({ db: options.db, verifyToken: options.verifyToken, log: options.log }),
  });
}
