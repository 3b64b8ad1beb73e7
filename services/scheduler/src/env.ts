import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });

export const SchedulerEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3010),
  /** Procedure targets are called through the gateway, as any client would call them. */
  GATEWAY_URL: HttpUrl.default("http://127.0.0.1:3000"),
  /** Lists tenants for the backfill job (organization's `tenants.list`, with the job's credential). */
  ORGANIZATION_URL: HttpUrl.default("http://127.0.0.1:3002"),
  /** Issues the tenant-scoped service credential a procedure target is called with. */
  AUTH_URL: HttpUrl.default("http://127.0.0.1:3001"),
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      "shared with auth: lets the scheduler ask for tenant-scoped service tokens; unset: procedure jobs fail",
    ),
  SCHEDULER_WORKER: z
    .enum(["on", "off"])
    .default("on")
    .describe("whether this replica runs due jobs (off: API only)"),
  SCHEDULER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  SCHEDULER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(20)
    .describe("runs one replica executes at once"),
  SCHEDULER_TENANT_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(5)
    .describe("runs of one tenant executing at once across every replica"),
});

export type SchedulerEnv = z.infer<typeof SchedulerEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): SchedulerEnv => readEnvOrExit(SchedulerEnv, process.env);
