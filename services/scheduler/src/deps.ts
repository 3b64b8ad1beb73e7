import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { SchedulerMetrics } from "./metrics.ts";

/** What a procedure target runs with: a short-lived token for a user of the tenant with these permissions. */
export type Credentials = (
  tenantId: string,
  userId: string,
  permissions: readonly string[],
) => Promise<string>;

export interface SchedulerDeps {
  db: Database;
  metrics: SchedulerMetrics;
  /** The server's clock: "now" never comes from a caller. */
  clock: () => Date;
}

/** What every domain verb of this service receives. */
export type SchedulerContext = TenantContext<SchedulerDeps>;
