import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { MasterDataMetrics } from "./metrics.ts";

export interface MasterDataDeps {
  db: Database;
  metrics: MasterDataMetrics;
  /** The server's clock: every timestamp and fiscal year this service writes comes from it. */
  now: () => Date;
}

/** What every domain verb of this service receives. */
export type MdContext = TenantContext<MasterDataDeps>;
