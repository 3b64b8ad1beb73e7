import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { chainTotals } from "./domain/gauges.ts";

/** Business metrics of the audit service, registered on the service's own registry. */
export function createAuditMetrics(registry: Registry, db: Database) {
  const recorded = new Counter({
    name: "vextrus_audit_events_recorded_total",
    help: "Events appended to the audit log by this process",
    registers: [registry],
  });
  const chains = new Gauge({
    name: "vextrus_audit_chains",
    help: "Tenants with an audit chain",
    registers: [registry],
    async collect() {
      this.set((await chainTotals(db)).chains);
    },
  });
  const entries = new Gauge({
    name: "vextrus_audit_entries",
    help: "Entries held in every tenant's audit chain (those removed by retention excluded)",
    registers: [registry],
    async collect() {
      this.set((await chainTotals(db)).entries);
    },
  });
  const verifyDuration = new Histogram({
    name: "vextrus_audit_verify_duration_seconds",
    help: "Time to recompute a tenant's hash chain, by outcome",
    labelNames: ["outcome"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return { recorded, chains, entries, verifyDuration };
}

export type AuditMetrics = ReturnType<typeof createAuditMetrics>;
