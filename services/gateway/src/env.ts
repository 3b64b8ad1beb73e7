import { fileURLToPath } from "node:url";
import { MAX_BATCH_CALLS, readEnvOrExit, ServiceEnv, TelemetryEnv } from "@vextrus/platform";
import { z } from "zod";

const SERVICE_NAME = /^[a-z][A-Za-z0-9-]{0,40}$/;

/**
 * `auth=http://127.0.0.1:3001,organization=http://127.0.0.1:3002` → `{ auth: "http://…", … }`. A name
 * given more than once is a service with several replicas: `organization=http://a:3002,organization=http://b:3002`
 * → `{ organization: ["http://a:3002", "http://b:3002"] }` (round robin, see replicas.ts).
 */
export const ServiceUrls = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const table: Record<string, string | string[]> = {};
    for (const entry of text.split(",").filter((part) => part.trim() !== "")) {
      const [name = "", url = ""] = entry.split("=", 2).map((part) => part.trim());
      if (!SERVICE_NAME.test(name) || !URL.canParse(url) || !/^https?:/.test(url)) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not name=http://host:port` });
        return z.NEVER;
      }
      const known = table[name];
      table[name] = known === undefined ? url : [...(typeof known === "string" ? [known] : known), url];
    }
    return table;
  });

/** Where `npm install` builds the console in this repository. */
const BUILT_CONSOLE = fileURLToPath(new URL("../../../apps/console/dist", import.meta.url));

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

export const GatewayEnv = ServiceEnv.pick({
  LOG_LEVEL: true,
  SHUTDOWN_TIMEOUT_MS: true,
  KAFKA_BROKERS: true,
  HOST: true,
  TRUSTED_PROXIES: true,
  JWKS_URL: true,
  JWT_PUBLIC_KEY: true,
  JWT_ISSUER: true,
  REPLICA_ID: true,
  DATABASE_URL: true,
  MIGRATION_DATABASE_URL: true,
})
  .extend(TelemetryEnv.shape)
  .extend({
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
    SERVICE_URLS: ServiceUrls.default({}).describe(
      "name=url pairs (a name repeated: that service's replicas); embedded start passes them in code",
    ),
    REPLICA_PROBE_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(2_000)
      .describe("how often each replica of a service with several is asked for /health/ready"),
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((text) =>
        text
          .split(",")
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ""),
      )
      .describe("allowed browser origins, comma separated, or * for any; empty = no CORS"),
    CONSOLE_DIR: z
      .string()
      .default(BUILT_CONSOLE)
      .describe("the built console served at /; empty: serve the API only"),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(10_000),
    /** Token buckets: requests per second refilled, and the burst a bucket holds. 0 turns a limit off. */
    RATE_LIMIT_TENANT_PER_SECOND: count(100),
    RATE_LIMIT_TENANT_BURST: count(200),
    RATE_LIMIT_IP_PER_SECOND: count(200),
    RATE_LIMIT_IP_BURST: count(400),
    /**
     * Fair share under load: at most this many requests of one (verified) tenant in flight at once,
     * more are refused with 429 at once (0: no cap). A tenant within its rate can still fill a busy
     * machine's queue; this bounds its share of the work in progress.
     */
    RATE_LIMIT_TENANT_IN_FLIGHT: count(0),
    RATE_LIMIT_TENANT_SHARED: z
      .enum(["true", "false"])
      .default("false")
      .transform((value) => value === "true")
      .describe(
        "true: the per-tenant budget is kept in PostgreSQL (DATABASE_URL), shared by every gateway replica; false: per replica",
      ),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
    /** At most what a service accepts: a batch for one service is forwarded whole. */
    MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(MAX_BATCH_CALLS).default(50),
  })
  .superRefine((env, ctx) => {
    if (env.RATE_LIMIT_TENANT_SHARED && !env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["RATE_LIMIT_TENANT_SHARED"],
        message: "needs DATABASE_URL (the shared budget lives in PostgreSQL)",
      });
    }
    // A batch costs one token per call, so a full batch must fit in a bucket.
    for (const scope of ["TENANT", "IP"] as const) {
      const burst = env[`RATE_LIMIT_${scope}_BURST`];
      if (env[`RATE_LIMIT_${scope}_PER_SECOND`] > 0 && burst < env.MAX_BATCH_SIZE) {
        ctx.addIssue({
          code: "custom",
          path: [`RATE_LIMIT_${scope}_BURST`],
          message: `must be at least MAX_BATCH_SIZE (${env.MAX_BATCH_SIZE})`,
        });
      }
    }
  });

export type GatewayEnv = z.infer<typeof GatewayEnv>;

/** The only place the gateway reads process.env. */
export const loadEnv = (): GatewayEnv => readEnvOrExit(GatewayEnv, process.env);
