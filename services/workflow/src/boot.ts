import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import {
  kafkaTransport,
  type Listener,
  pgliteListener,
  postgresListener,
  startRelay,
  type Transport,
} from "@vextrus/events";
import {
  createLogger,
  createMetrics,
  createTokenVerifier,
  type Logger,
  listen,
  type Stoppable,
} from "@vextrus/platform";
import {
  APP_ROLE,
  type Database,
  migrateService,
  pgliteDatabase,
  postgresDatabase,
} from "@vextrus/platform/db";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import type { WorkflowEnv } from "./env.ts";

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/workflow", import.meta.url));

export interface Booted {
  name: string;
  url: string;
  /** Stop in this order: HTTP first, then the outbox relay, then the database. */
  parts: Stoppable[];
}

export interface SharedResources {
  /** The embedded database shared by every service of an `npm start` process. */
  pglite?: PGlite;
  log?: Logger;
  /** The in-process event bus of embedded mode; without it, KAFKA_BROKERS decides. */
  bus?: Transport;
}

/**
 * Wires the service from its settings: migrates, connects, starts HTTP and the outbox relay (to the
 * shared bus, or to Kafka when KAFKA_BROKERS is set). ORGANIZATION_URL and RULES_URL name the
 * services it asks for chains and rule evaluations (with the caller's own token).
 */
export async function bootWorkflow(env: WorkflowEnv, shared: SharedResources = {}): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "workflow" });
  let db: Database;
  let listener: Listener;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "workflow", MIGRATIONS);
    db = postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE });
    listener = postgresListener(env.DATABASE_URL);
  } else if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, "workflow", MIGRATIONS);
    db = pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE });
    listener = pgliteListener(shared.pglite);
  } else {
    throw new Error("workflow: set DATABASE_URL, or start it through `npm start` (embedded PGlite)");
  }
  const verifyToken =
    env.JWKS_URL || env.JWT_PUBLIC_KEY
      ? await createTokenVerifier({
          jwksUrl: env.JWKS_URL,
          publicKey: env.JWT_PUBLIC_KEY,
          issuer: env.JWT_ISSUER,
        })
      : undefined;
  if (!verifyToken) {
    log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const ownTransport = !shared.bus && env.KAFKA_BROKERS;
  const transport =
    shared.bus ??
    (env.KAFKA_BROKERS
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: "workflow", log })
      : undefined);
  const metrics = createMetrics("workflow");
  const checks: Record<string, () => Promise<unknown>> =
    transport?.kind === "kafka" ? { kafka: () => transport.check() } : {};
  const app = createApp({
    db,
    log,
    verifyToken,
    metrics,
    checks,
    organization: { url: env.ORGANIZATION_URL },
    rules: { url: env.RULES_URL },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  });
  const server = listen(app, env.PORT, "workflow");
  log.info("listening", { url: server.url, organization: env.ORGANIZATION_URL, rules: env.RULES_URL });

  const parts: Stoppable[] = [server];
  if (transport) {
    const relay = startRelay({
      db,
      outbox,
      publisher: transport.publisher("workflow-relay"),
      log,
      registry: metrics.registry,
      listen: listener,
    });
    parts.push({ name: "outbox relay", stop: () => relay.stop() });
    if (ownTransport) {
      parts.push({ name: "kafka", stop: () => transport.close() });
    }
  } else {
    log.warn("no KAFKA_BROKERS and no event bus: events stay in the outbox until a relay runs");
  }
  parts.push({ name: "postgres", stop: () => db.close() });
  return { name: "workflow", url: server.url, parts };
}
