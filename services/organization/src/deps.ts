import type { KnownUsers } from "@vextrus/known-users";
import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { TenantStatusCache } from "./domain/tenant-status.ts";
import type { OrganizationMetrics } from "./metrics.ts";

export interface OrganizationDeps {
  db: Database;
  metrics: OrganizationMetrics;
  tenantStatus: TenantStatusCache;
  /** Checks that user ids named in memberships are active users of the tenant. */
  users: KnownUsers;
}

/** What every domain verb of this service receives. */
export type OrgContext = TenantContext<OrganizationDeps>;
