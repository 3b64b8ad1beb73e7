import { hostname } from "node:os";
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
  REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, dot, dash or underscore (at most 100)")
    .default(
      hostname()
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .slice(0, 100) || "replica",
    )
    .describe(
      "this replica's id, stable across restarts and unique among replicas (names its cache-invalidation consumer group)",
    ),
});

export type RulesEngineEnv = z.infer<typeof RulesEngineEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): RulesEngineEnv => readEnvOrExit(RulesEngineEnv, process.env);
