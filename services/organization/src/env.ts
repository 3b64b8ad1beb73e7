import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const OrganizationEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3002),
  AUTH_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("auth service (directory.lookup); defaults to the origin of JWKS_URL"),
});

export type OrganizationEnv = z.infer<typeof OrganizationEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): OrganizationEnv => readEnvOrExit(OrganizationEnv, process.env);
