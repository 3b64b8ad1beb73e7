import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { ConfigurationMetrics } from "./metrics.ts";

export interface ConfigurationDeps {
  db: Database;
  metrics: ConfigurationMetrics;
  /** The server's clock: "now" for defaults and effective dating never comes from a caller. */
  clock: () => Date;
}

/** What every domain verb of this service receives. */
export type ConfigContext = TenantContext<ConfigurationDeps>;
