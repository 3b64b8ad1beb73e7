import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

export const AuthEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  ORGANIZATION_URL: z
    .url()
    .optional()
    .describe(
      "the organization service (registerTenant creates tenants there); unset: registration is unavailable",
    ),
  NOTIFICATION_URL: z
    .url()
    .optional()
    .describe(
      "the notification service: invitation, password-reset and verification links go out through it; unset: logged, not sent",
    ),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(1_440).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(5)
    .describe(
      "seconds a used refresh token may be presented again by the same client (concurrent refreshes) and get the same new pair; 0: never",
    ),
  LOGIN_IP_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(5)
    .max(10_000)
    .default(30)
    .describe("failed sign-ins one client address may make in 15 minutes"),
  REGISTRATIONS_PER_IP_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10)
    .describe("sign-ups one client address may start per hour (per replica)"),
  RESET_REQUESTS_PER_IP_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(20)
    .describe("password-reset requests one client address may make per hour (per replica)"),
  LOGIN_ATTEMPT_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_650)
    .default(90)
    .describe("days sign-in attempts are kept for review before they are pruned"),
  SIGNING_KEYS_RELOAD_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(3_600_000)
    .default(30_000)
    .describe("how often the cached signing keys are reloaded, so every replica sees a rotation"),
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe(
      "shared with the scheduler and import-export only: they ask POST /service-tokens for tenant-scoped tokens; unset: no route",
    ),
  SIGNING_KEY_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe("seals the private signing keys in the database (AES-256-GCM); unset: stored unsealed"),
});

export type AuthEnv = z.infer<typeof AuthEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): AuthEnv => readEnvOrExit(AuthEnv, process.env);
