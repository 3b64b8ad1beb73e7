import type { ConfigReader } from "@vextrus/config/reader";
import type { KnownUsers } from "@vextrus/known-users";
import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { WorkflowMetrics } from "./metrics.ts";
import type { OrganizationClient } from "./upstream/organization.ts";
import type { RulesClient } from "./upstream/rules.ts";

/** The server's clock: every "now" of the service comes from here (tests inject one they move). */
export type Clock = () => Date;

export interface WorkflowDeps {
  db: Database;
  clock: Clock;
  metrics: WorkflowMetrics;
  organization: OrganizationClient;
  rules: RulesClient;
  /** Settings from the configuration service (cached per replica, fresh on change events). */
  config: ConfigReader;
  /** Checks that user ids named in committees and delegations are active users of the tenant. */
  users: KnownUsers;
}

/** What every domain verb of this service receives (it carries the caller's token and trace to forward). */
export type WorkflowContext = TenantContext<WorkflowDeps>;
