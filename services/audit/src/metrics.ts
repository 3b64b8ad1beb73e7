import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { chainHeadSeqs } from "./domain/gauges.ts";

/** Business metrics of the audit service, registered on the service's own registry. */
export function createAuditMetrics(registry: Registry, db: Database) {
  const recorded = new Counter({
    name: "vextrus_audit_events_recorded_total",
    help: "Events appended to the audit log by this process",
    registers: [registry],
  });
  const chainLength = new Gauge({
    name: "vextrus_audit_chain_length",
    help: "Entries in each tenant's audit chain (its head sequence number)",
    labelNames: ["tenant"] as const,
    registers: [registry],
    async collect() {
      const rows = await chainHeadSeqs(db);
      this.reset();
      for (const row of rows) {
        this.set({ tenant: row.tenant_id }, Number(row.seq));
      }
    },
  });
  const verifyDuration = new Histogram({
    name: "vextrus_audit_verify_duration_seconds",
    help: "Time to recompute a tenant's hash chain, by outcome",
    labelNames: ["outcome"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return { recorded, chainLength, verifyDuration };
}

export type AuditMetrics = ReturnType<typeof createAuditMetrics>;
