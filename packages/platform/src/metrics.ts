import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One registry per service app: default process metrics plus the HTTP histogram. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const ready = new Gauge({
    name: "vextrus_service_ready",
    help: "1 when /health/ready answers 200 (every dependency answers), 0 otherwise; measured at each scrape",
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: "vextrus_service_dependency_up",
    help: "1 when the dependency's readiness check answers, 0 otherwise; measured at each scrape",
    labelNames: ["dependency"] as const,
    registers: [registry],
  });
  return { registry, httpDuration, ready, dependencyUp };
}

/** Readiness as metrics (for the "ready failing" alert): what checkAll found, just before a scrape. */
export function recordReadiness(
  metrics: Pick<Metrics, "ready" | "dependencyUp">,
  result: { ok: boolean; checks: Record<string, { ok: boolean } | undefined> },
): void {
  metrics.ready.set(result.ok ? 1 : 0);
  metrics.dependencyUp.reset();
  for (const [dependency, check] of Object.entries(result.checks)) {
    metrics.dependencyUp.set({ dependency }, check?.ok ? 1 : 0);
  }
}

export type Metrics = ReturnType<typeof createMetrics>;
