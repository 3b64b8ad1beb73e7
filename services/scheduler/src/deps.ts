import type { CallContext, TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { SchedulerMetrics } from "./metrics.ts";

/** What a procedure target runs with: a short-lived token for a user of the tenant with these permissions. */
export type Credentials = (
  tenantId: string,
  userId: string,
  permissions: readonly string[],
) => Promise<string>;

/** Every tenant id, a page at a time (organization's list, asked with the caller's credential). */
export type TenantDirectory = (
  call: CallContext,
  cursor?: string,
) => Promise<{ ids: string[]; nextCursor: string | null }>;

export interface SchedulerDeps {
  db: Database;
  metrics: SchedulerMetrics;
  /** The server's clock: "now" never comes from a caller. */
  clock: () => Date;
  tenants: TenantDirectory;
}

/** What every domain verb of this service receives. */
export type SchedulerContext = TenantContext<SchedulerDeps>;
