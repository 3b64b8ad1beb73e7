import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });

export const WorkflowEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3004),
  ORGANIZATION_URL: HttpUrl.default("http://127.0.0.1:3002").describe("organization service (chain.forUser)"),
  RULES_URL: HttpUrl.default("http://127.0.0.1:3005").describe("rules-engine service (rules.evaluate)"),
  CONFIGURATION_URL: HttpUrl.default("http://127.0.0.1:3011").describe(
    "configuration service (the tenant's workflow.sla.hours)",
  ),
  ORGANIZATION_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe(
      "how long an initiator's chain and a department check are served without asking organization (0: always ask); change events drop them sooner",
    ),
  AUTH_URL: HttpUrl.optional().describe(
    "auth service (directory.lookup); defaults to the origin of JWKS_URL",
  ),
});

export type WorkflowEnv = z.infer<typeof WorkflowEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): WorkflowEnv => readEnvOrExit(WorkflowEnv, process.env);
