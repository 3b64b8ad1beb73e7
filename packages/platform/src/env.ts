import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";
import { parseTrustedProxies, type TrustedProxies } from "./client-address.ts";
import { TelemetryEnv } from "./telemetry.ts";

/** `127.0.0.1,10.0.0.0/8` → who may set X-Forwarded-For; empty (the default): nobody. */
export const TrustedProxiesSetting = z
  .string()
  .default("")
  .transform((text, ctx): TrustedProxies => {
    const entries = text
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    try {
      return parseTrustedProxies(entries);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

/** This machine's name as a replica id (letters, digits, dot, dash, underscore; at most 100). */
export const defaultReplicaId = (): string =>
  hostname()
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .slice(0, 100) || "replica";

/** Settings every service reads. A service's own `src/env.ts` extends this and parses once at boot. */
export const ServiceEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .describe("PostgreSQL URL; when unset the service uses embedded PGlite under DATA_DIR"),
  MIGRATION_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional()
    .describe("URL of the schema owner used to apply migrations (defaults to DATABASE_URL)"),
  DATA_DIR: z.string().min(1).default(".data"),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "must be host:port[,host:port…]")
    .optional(),
  JWKS_URL: z.url().optional(),
  JWT_PUBLIC_KEY: z.string().min(1).optional().describe("an Ed25519 public key as JWK JSON or SPKI PEM"),
  JWT_ISSUER: z.string().min(1).default("vextrus-auth"),
  HOST: z
    .string()
    .min(1)
    .default("0.0.0.0")
    .describe("the interface to listen on; npm start binds every service to 127.0.0.1"),
  TRUSTED_PROXIES: TrustedProxiesSetting.describe(
    "proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed; empty: none",
  ),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  UPSTREAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(5_000)
    .describe("deadline of each call to another service; past it the call is UNAVAILABLE"),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  REPLICA_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, "letters, digits, dot, dash or underscore (at most 100)")
    .default(defaultReplicaId())
    .describe(
      "this replica's id, stable across restarts and unique among replicas (names its cache-invalidation consumer groups)",
    ),
  // OpenTelemetry's standard settings (telemetry.ts): tracing is off until an OTLP endpoint is set.
  ...TelemetryEnv.shape,
});

export type ServiceEnv = z.infer<typeof ServiceEnv>;

export class EnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** The setting names a schema reads (an object's keys, through pipes and wrappers); none if unknown. */
function settingNames(schema: z.ZodType): Set<string> {
  const node = schema as unknown as {
    shape?: Record<string, unknown>;
    _zod?: { def?: { in?: z.ZodType; innerType?: z.ZodType } };
  };
  if (node.shape) {
    return new Set(Object.keys(node.shape));
  }
  const inner = node._zod?.def?.in ?? node._zod?.def?.innerType;
  return inner ? settingNames(inner) : new Set();
}

/**
 * Docker and compose secrets: `NAME_FILE=/run/secrets/name` stands for `NAME` = that file's content (one
 * trailing newline dropped), so a secret need not sit in the environment. Only for settings the schema
 * reads (other programs' `*_FILE` variables are left alone). Both set, or an unreadable file, is a
 * problem named after the variable.
 */
export function withSecretFiles(
  source: Record<string, string | undefined>,
  names: ReadonlySet<string>,
): {
  values: Record<string, string | undefined>;
  problems: string[];
} {
  const values = { ...source };
  const problems: string[] = [];
  for (const name of names) {
    const key = `${name}_FILE`;
    const path = source[key];
    if (path === undefined || path === "") {
      continue;
    }
    if (source[name] !== undefined && source[name] !== "") {
      problems.push(`${key}: set either ${name} or ${key}, not both`);
      continue;
    }
    try {
      values[name] = readFileSync(path, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      problems.push(
        `${key}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return { values, problems };
}

/** Parses a settings object; throws EnvError naming each bad or missing variable. */
export function readEnv<T extends z.ZodType>(schema: T, raw: Record<string, string | undefined>): z.infer<T> {
  const { values: source, problems: fileProblems } = withSecretFiles(raw, settingNames(schema));
  if (fileProblems.length > 0) {
    throw new EnvError(fileProblems);
  }
  const result = schema.safeParse(source);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = source[name];
    const missing = issue.path.length > 0 && (value === undefined || value === "");
    return `${name}: ${missing ? "missing" : issue.message}`;
  });
  throw new EnvError(problems);
}

/** readEnv for a process entry point: prints what is wrong and exits with code 1. */
export function readEnvOrExit<T extends z.ZodType>(
  schema: T,
  source: Record<string, string | undefined>,
): z.infer<T> {
  try {
    return readEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
