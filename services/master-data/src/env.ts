import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const MasterDataEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3003),
});

export type MasterDataEnv = z.infer<typeof MasterDataEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): MasterDataEnv => readEnvOrExit(MasterDataEnv, process.env);
