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
  return { ...base, upstreamDuration, rateLimited };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
