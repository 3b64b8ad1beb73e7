import type { PGlite } from "@electric-sql/pglite";
import {
  type Connection,
  createLogger,
  createMetrics,
  type Logger,
  listen,
  type ServiceEnv,
  type Stoppable,
  startTracing,
  tokenVerifierFromEnv,
} from "@vextrus/platform";
import {
  APP_ROLE,
  type Database,
  migrateService,
  pgliteDatabase,
  postgresDatabase,
} from "@vextrus/platform/db";
import { kafkaTransport } from "./kafka.ts";
import { type Listener, pgliteListener, postgresListener } from "./listen.ts";
import type { OutboxTable } from "./outbox.ts";
import { startRelay } from "./relay.ts";
import type { Transport } from "./transport.ts";

/** What an `npm start` process shares between the services it runs. */
export interface SharedResources {
  /** The embedded database of the process. */
  pglite?: PGlite | undefined;
  log?: Logger | undefined;
  /** The in-process event bus of embedded mode; without it, KAFKA_BROKERS decides. */
  bus?: Transport | undefined;
}

/** A running service: its URL and what to stop, in order (HTTP, relay, consumers, Kafka, database). */
export interface Booted {
  name: string;
  url: string;
  parts: Stoppable[];
}

export interface RuntimeOptions {
  service: string;
  env: ServiceEnv & { PORT: number };
  shared: SharedResources;
  /** The service's migrations folder (drizzle/<service>), applied before anything else. */
  migrations: string;
}

export interface ServeOptions {
  /** The service's outbox: a relay publishes it to the transport. */
  outbox?: OutboxTable;
  /** Starts the service's consumers on the transport; they stop after HTTP and the relay. */
  consumers?: (transport: Transport) => Promise<Stoppable[]>;
  /** Anything else to stop before the database (timers, clients). */
  parts?: Stoppable[];
}

async function openDatabase(options: RuntimeOptions): Promise<{ db: Database; listener: Listener }> {
  const { env, shared, service, migrations } = options;
  if (env.DATABASE_URL) {
    await migrateService({ url: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL }, service, migrations);
    return {
      db: postgresDatabase({ url: env.DATABASE_URL, appRole: APP_ROLE, service }),
      listener: postgresListener(env.DATABASE_URL),
    };
  }
  if (shared.pglite) {
    await migrateService({ pglite: shared.pglite }, service, migrations);
    return {
      db: pgliteDatabase({ client: shared.pglite, appRole: APP_ROLE, service }),
      listener: pgliteListener(shared.pglite),
    };
  }
  throw new Error(`${service}: set DATABASE_URL, or start it through \`npm start\` (embedded PGlite)`);
}

/**
 * The wiring every service shares, from its settings: a migrated database (PostgreSQL or the shared
 * PGlite), its logger, metrics registry, token verifier and event transport (the shared bus, or
 * Kafka when KAFKA_BROKERS is set). A service builds its app from these, then calls `serve`.
 */
export async function openRuntime(options: RuntimeOptions) {
  const { env, shared, service } = options;
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service });
  // OpenTelemetry when an OTLP endpoint is set (off otherwise; an embedded start shares one provider).
  const tracing = await startTracing(service, { env });
  const { db, listener } = await openDatabase(options);
  const verifyToken = await tokenVerifierFromEnv(env);
  const ownsTransport = !shared.bus && Boolean(env.KAFKA_BROKERS);
  const transport =
    shared.bus ??
    (env.KAFKA_BROKERS
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: service, log })
      : undefined);
  const metrics = createMetrics(service);
  const checks: Record<string, () => Promise<unknown>> =
    transport?.kind === "kafka" ? { kafka: () => transport.check() } : {};

  /** Starts HTTP, then the outbox relay and consumers; returns what to stop, in order. */
  async function serve(
    app: { fetch(request: Request, connection: Connection): Response | Promise<Response> },
    extra: ServeOptions = {},
  ) {
    const server = listen(app, env.PORT, service, {
      hostname: env.HOST,
      trustedProxies: env.TRUSTED_PROXIES,
    });
    log.info("listening", { url: server.url });
    const parts: Stoppable[] = [server];
    if (transport) {
      if (extra.outbox) {
        const relay = startRelay({
          db,
          outbox: extra.outbox,
          publisher: transport.publisher(`${service}-relay`),
          log,
          registry: metrics.registry,
          listen: listener,
        });
        parts.push({ name: "outbox relay", stop: () => relay.stop() });
      }
      parts.push(...((await extra.consumers?.(transport)) ?? []));
    } else {
      log.warn("no KAFKA_BROKERS and no event bus: events stay in the outbox and nothing is consumed");
    }
    parts.push(...(extra.parts ?? []));
    if (ownsTransport && transport) {
      parts.push({ name: "kafka", stop: () => transport.close() });
    }
    parts.push({ name: "database", stop: () => db.close() });
    if (tracing) {
      parts.push(tracing);
    }
    const booted: Booted = { name: service, url: server.url, parts };
    return booted;
  }

  return { log, db, verifyToken, transport, metrics, checks, serve };
}

export type ServiceRuntime = Awaited<ReturnType<typeof openRuntime>>;
