import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const ConfigurationEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3011),
});

export type ConfigurationEnv = z.infer<typeof ConfigurationEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): ConfigurationEnv => readEnvOrExit(ConfigurationEnv, process.env);
