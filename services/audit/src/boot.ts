import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { type Consumer, describeError, kafkaTransport, type Transport } from "@vextrus/events";
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
import { applyRetention } from "./domain/retention.ts";
import type { AuditEnv } from "./env.ts";
import { startAuditConsumer } from "./events.ts";
import { createAuditMetrics } from "./metrics.ts";

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/audit", import.meta.url));

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Booted {
  name: string;
  url: string;
  /** Stop in this order: HTTP, the consumer, the retention timer, Kafka, then the database. */
  parts: Stoppable[];
}

export interface SharedResources {
  /** The embedded database shared by every service of an `npm start` process. */
  pglite?: PGlite;
  log?: Logger;
  /** The in-process event bus of embedded mode; without it, KAFKA_BROKERS decides. */
  bus?: Transport;
}

/** Starts the consumer, retrying while the broker is unreachable (the API serves meanwhile). */
function consumeInBackground(start: () => Promise<Consumer>, log: Logger): Stoppable {
  let stopped = false;
  let consumer: Consumer | undefined;
  const started = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        consumer = await start();
        if (stopped) {
          await consumer.stop();
        }
        return;
      } catch (error) {
        log.warn("event consumer did not start; retrying", { attempt, error: describeError(error) });
        await new Promise((done) => setTimeout(done, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
  })();
  return {
    name: "event consumer",
    async stop() {
      stopped = true;
      await started;
      await consumer?.stop();
    },
  };
}

/**
 * Wires the audit service: migrates, connects, starts HTTP, the consumer of every catalog topic (from
 * the shared bus, or Kafka when KAFKA_BROKERS is set) and the daily retention policy.
 */
export async function bootAudit(env: AuditEnv, shared: SharedResources = {}): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "audit" });
  let db: Database;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, "audit", MIGRATIONS);
    db = postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE });
  } else if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, "audit", MIGRATIONS);
    db = pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE });
  } else {
    throw new Error("audit: set DATABASE_URL, or start it through `npm start` (embedded PGlite)");
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
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: "audit", log })
      : undefined);
  const metrics = createMetrics("audit");
  const auditMetrics = createAuditMetrics(metrics.registry, db);
  const checks: Record<string, () => Promise<unknown>> =
    transport?.kind === "kafka" ? { kafka: () => transport.check() } : {};
  const app = createApp({ db, log, verifyToken, metrics, auditMetrics, checks });
  const server = listen(app, env.PORT, "audit");
  log.info("listening", { url: server.url });

  const parts: Stoppable[] = [server];
  if (transport) {
    const start = () =>
      startAuditConsumer({
        db,
        transport,
        log,
        registry: metrics.registry,
        metrics: auditMetrics,
        maxAttempts: env.AUDIT_CONSUMER_MAX_ATTEMPTS,
      });
    // The in-process bus must know the group before the process opens delivery.
    parts.push(transport.kind === "in-process" ? await startNow(start) : consumeInBackground(start, log));
  } else {
    log.warn("no KAFKA_BROKERS and no event bus: nothing is recorded");
  }
  const retention = setInterval(() => {
    applyRetention(db, env.AUDIT_RETENTION_DAYS)
      .then((removed) => removed > 0 && log.info("retention policy applied", { removed }))
      .catch((error: unknown) => log.error("retention policy failed", { error: describeError(error) }));
  }, DAY_MS);
  retention.unref?.();
  parts.push({ name: "retention", stop: async () => clearInterval(retention) });
  if (ownTransport && transport) {
    parts.push({ name: "kafka", stop: () => transport.close() });
  }
  parts.push({ name: "postgres", stop: () => db.close() });
  return { name: "audit", url: server.url, parts };
}

async function startNow(start: () => Promise<Consumer>): Promise<Stoppable> {
  const consumer = await start();
  return { name: "event consumer", stop: () => consumer.stop() };
}
