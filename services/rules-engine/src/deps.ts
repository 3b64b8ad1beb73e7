import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { RuleSetCache } from "./engine/cache.ts";
import type { RulesMetrics } from "./metrics.ts";

export interface RulesDeps {
  db: Database;
  metrics: RulesMetrics;
  cache: RuleSetCache;
}

/** What every domain verb of this service receives. */
export type RulesContext = TenantContext<RulesDeps>;
