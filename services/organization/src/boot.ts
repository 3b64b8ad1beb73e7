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
import type { OrganizationEnv } from "./env.ts";

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/organization", import.meta.url));

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
 * shared bus, or to Kafka when KAFKA_BROKERS is set).
 */
export async function bootOrganization(env: OrganizationEnv, shared: SharedResources = {}): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "organization" });
  let db: Database;
  let listener: Listener;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "organization", MIGRATIONS);
    db = postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE });
    listener = postgresListener(env.DATABASE_URL);
  } else if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, "organization", MIGRATIONS);
    db = pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE });
    listener = pgliteListener(shared.pglite);
  } else {
    throw new Error("organization: set DATABASE_URL, or start it through `npm start` (embedded PGlite)");
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
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: "organization", log })
      : undefined);
  const metrics = createMetrics("organization");
  const checks: Record<string, () => Promise<unknown>> =
    transport?.kind === "kafka" ? { kafka: () => transport.check() } : {};
  const app = createApp({ db, log, verifyToken, metrics, checks });
  const server = listen(app, env.PORT, "organization");
  log.info("listening", { url: server.url });

  const parts: Stoppable[] = [server];
  if (transport) {
    const relay = startRelay({
      db,
      outbox,
      publisher: transport.publisher("organization-relay"),
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
  return { name: "organization", url: server.url, parts };
}
