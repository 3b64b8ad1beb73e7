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
import { createLogger, createMetrics, type Logger, listen, type Stoppable } from "@vextrus/platform";
import {
  APP_ROLE,
  type Database,
  migrateService,
  pgliteDatabase,
  postgresDatabase,
} from "@vextrus/platform/db";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import type { AuthSettings } from "./deps.ts";
import { undeliveredCourier } from "./domain/courier.ts";
import type { AuthEnv } from "./env.ts";
import { startAuthEvents } from "./events.ts";

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/auth", import.meta.url));

export interface Booted {
  name: string;
  url: string;
  /** Stop in this order: HTTP first, then the outbox relay and the consumer, then the database. */
  parts: Stoppable[];
}

export interface SharedResources {
  /** The embedded database shared by every service of an `npm start` process. */
  pglite?: PGlite;
  log?: Logger;
  /** The in-process event bus of embedded mode; without it, KAFKA_BROKERS decides. */
  bus?: Transport;
}

export const settingsFrom = (env: AuthEnv): AuthSettings => ({
  issuer: env.JWT_ISSUER,
  accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
  sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
  sessionMaxHours: env.SESSION_MAX_HOURS,
  loginIpMaxFailures: env.LOGIN_IP_MAX_FAILURES,
});

/**
 * Wires the service from its settings: migrates, connects, makes sure a signing key exists, starts
 * HTTP, the outbox relay and the tenant-status consumer (on the shared bus, or on Kafka when
 * KAFKA_BROKERS is set).
 */
export async function bootAuth(env: AuthEnv, shared: SharedResources = {}): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "auth" });
  let db: Database;
  let listener: Listener;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "auth", MIGRATIONS);
    db = postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE });
    listener = postgresListener(env.DATABASE_URL);
  } else if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, "auth", MIGRATIONS);
    db = pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE });
    listener = pgliteListener(shared.pglite);
  } else {
    throw new Error("auth: set DATABASE_URL, or start it through `npm start` (embedded PGlite)");
  }
  if (!env.SIGNING_KEY_SECRET) {
    log.warn("SIGNING_KEY_SECRET is not set: private signing keys are stored unsealed");
  }
  if (!env.ORGANIZATION_URL) {
    log.warn("ORGANIZATION_URL is not set: registerTenant will answer UNAVAILABLE");
  }
  const ownTransport = !shared.bus && env.KAFKA_BROKERS;
  const transport =
    shared.bus ??
    (env.KAFKA_BROKERS
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: "auth", log })
      : undefined);
  const metrics = createMetrics("auth");
  const checks: Record<string, () => Promise<unknown>> =
    transport?.kind === "kafka" ? { kafka: () => transport.check() } : {};
  const { app, deps } = createApp({
    db,
    log,
    settings: settingsFrom(env),
    organizationUrl: env.ORGANIZATION_URL,
    courier: undeliveredCourier(log),
    signingKeySecret: env.SIGNING_KEY_SECRET,
    trustForwardedFor: env.TRUST_FORWARDED_FOR,
    metrics,
    checks,
  });
  const key = await deps.keys.signingKey();
  const server = listen(app, env.PORT, "auth");
  log.info("listening", { url: server.url, kid: key.kid });

  const parts: Stoppable[] = [server];
  if (transport) {
    const relay = startRelay({
      db,
      outbox,
      publisher: transport.publisher("auth-relay"),
      log,
      registry: metrics.registry,
      listen: listener,
    });
    parts.push({ name: "outbox relay", stop: () => relay.stop() });
    parts.push(...(await startAuthEvents({ db, transport, log, registry: metrics.registry })));
    if (ownTransport) {
      parts.push({ name: "kafka", stop: () => transport.close() });
    }
  } else {
    log.warn("no KAFKA_BROKERS and no event bus: events stay in the outbox until a relay runs");
  }
  parts.push({ name: "postgres", stop: () => db.close() });
  return { name: "auth", url: server.url, parts };
}
