import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const AuditEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3006),
  AUDIT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(365, "the audit log is kept at least a year")
    .max(36_500)
    .default(2_555)
    .describe("entries older than this are removed by the retention policy (default 7 years)"),
  AUDIT_CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
});

export type AuditEnv = z.infer<typeof AuditEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): AuditEnv => readEnvOrExit(AuditEnv, process.env);
