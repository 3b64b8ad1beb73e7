import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { WorkflowMetrics } from "./metrics.ts";
import type { OrganizationClient } from "./upstream/organization.ts";
import type { RulesClient } from "./upstream/rules.ts";

export interface WorkflowDeps {
  db: Database;
  metrics: WorkflowMetrics;
  organization: OrganizationClient;
  rules: RulesClient;
}

/** What every domain verb of this service receives: the tenant context plus the caller's token to forward. */
export type WorkflowContext = TenantContext<WorkflowDeps> & { authorization: string | undefined };
