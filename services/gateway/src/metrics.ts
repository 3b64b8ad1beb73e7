import { createMetrics } from "@vextrus/platform";
import { Counter, Histogram } from "prom-client";

/** The kit's default metrics plus what only the gateway sees: upstream latency and refusals. */
export function createGatewayMetrics() {
  const base = createMetrics("gateway");
  const upstreamDuration = new Histogram({
    name: "vextrus_gateway_upstream_duration_seconds",
    help: "Time from forwarding a request to a service until its answer (a stream: its headers)",
    labelNames: ["service", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [base.registry],
  });
  const rateLimited = new Counter({
    name: "vextrus_gateway_rate_limited_total",
    help: "Requests refused with 429, by the limit that refused them",
    labelNames: ["scope"] as const,
    registers: [base.registry],
  });
  return {
    ...base,
    upstreamDuration,
    rateLimited,
    /** observe() of the upstream histogram, its child per (service, status) bound once. */
    observeUpstream: boundObserver(upstreamDuration, (service: string, status: string) => ({
      service,
      status,
    })),
    /** observe() of the request histogram, its child per (method, route, status) bound once. */
    observeRequest: boundObserver(base.httpDuration, (method: string, route: string, status: string) => ({
      method,
      route,
      status,
    })),
  };
}

/**
 * An observer that binds each label combination's child once (prom-client's `observe(labels, v)`
 * validates and hashes the labels on every call). Label values are bounded (services, routes,
 * statuses), so the map is too.
 */
function boundObserver<L extends string, A extends string[]>(
  histogram: Histogram<L>,
  labels: (...values: A) => Partial<Record<L, string>>,
) {
  const children = new Map<string, { observe(value: number): void }>();
  return (seconds: number, ...values: A) => {
    const key = values.join("\u0000");
    let child = children.get(key);
    if (!child) {
      child = histogram.labels(labels(...values));
      children.set(key, child);
    }
    child.observe(seconds);
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
