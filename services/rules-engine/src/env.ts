import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const RulesEngineEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3005),
  /**
   * Longest a compiled rule set stays cached without hearing of a change. Changes made through this
   * replica invalidate at once; other replicas learn through vextrus.rules.rule.* events, and this
   * bound is the safety net if an event is late.
   */
  RULES_CACHE_TTL_MS: z.coerce.number().int().min(0).default(60_000),
});

export type RulesEngineEnv = z.infer<typeof RulesEngineEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): RulesEngineEnv => readEnvOrExit(RulesEngineEnv, process.env);
