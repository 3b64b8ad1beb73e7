import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { AuditMetrics } from "./metrics.ts";

export interface AuditDeps {
  db: Database;
  metrics: AuditMetrics;
  /** Entries older than this many days go when `maintenance.applyRetention` runs (AUDIT_RETENTION_DAYS). */
  retentionDays: number;
}

/** What every domain verb of this service receives. */
export type AuditContext = TenantContext<AuditDeps>;
