import type { PGlite } from "@electric-sql/pglite";
import { createConfigReader } from "@vextrus/config/reader";
import { kafkaTransport, type Transport } from "@vextrus/events";
import {
  createLogger,
  type Logger,
  listen,
  type Stoppable,
  startTracing,
  tokenVerifierFromEnv,
} from "@vextrus/platform";
import { createGateway } from "./app.ts";
import { openGatewayDatabase } from "./db/index.ts";
import { sharedBuckets } from "./db/shared-buckets.ts";
import type { GatewayEnv } from "./env.ts";
import { idempotencyStore } from "./idempotency.ts";
import { refusalReporter } from "./refusals.ts";
import { createReplicaPool, replicaFetch, replicaTable } from "./replicas.ts";
import { configuredTenantLimits } from "./tenant-limits.ts";

export interface Booted {
  name: string;
  url: string;
  parts: Stoppable[];
}

/**
 * Starts the gateway in front of the services. `shared.services` is the routing table of an
 * embedded start (the servers it just booted); SERVICE_URLS entries win over it. Rate-limit
 * refusals are published on `shared.bus` (embedded) or Kafka (KAFKA_BROKERS), when there is one.
 * With a `config` service in the table, a tenant's own `gateway.rateLimit.perSecond` applies.
 */
export async function bootGateway(
  env: GatewayEnv,
  shared: {
    services?: Record<string, string>;
    log?: Logger;
    bus?: Transport;
    pglite?: PGlite | undefined;
  } = {},
): Promise<Booted> {
  const log = (shared.log ?? createLogger({ level: env.LOG_LEVEL })).child({ service: "gateway" });
  // OpenTelemetry when an OTLP endpoint is set (off otherwise): a span per request and per upstream call.
  const tracing = await startTracing("gateway", { env });
  const services = { ...shared.services, ...env.SERVICE_URLS };
  if (Object.keys(services).length === 0) {
    throw new Error("gateway: no services to route to; set SERVICE_URLS=name=http://host:port,…");
  }
  const own = shared.bus
    ? undefined
    : env.KAFKA_BROKERS
      ? kafkaTransport({ brokers: env.KAFKA_BROKERS.split(","), clientId: "gateway", log })
      : undefined;
  const transport = shared.bus ?? own;
  const publisher = transport?.publisher("gateway");
  const refusals = refusalReporter({ publisher, log });
  // JWTs only (API keys would cost a call to auth per new key): the tenant limit charges verified tenants.
  const verifyToken = await tokenVerifierFromEnv(env, { apiKeyIntrospectionUrl: false });
  if (!verifyToken) {
    log.warn("no JWKS_URL or JWT_PUBLIC_KEY: rate limits key on client addresses only");
  }
  // One replica pool for forwarded requests and the gateway's own calls: the configuration reader
  // balances over the configuration replicas and skips one that is down (its answers are cached and
  // refreshed by events).
  const pool = createReplicaPool(replicaTable(services), { log, probeMs: env.REPLICA_PROBE_MS });
  const configUrl = pool.replicas().config?.[0];
  const reader = configUrl
    ? createConfigReader({
        url: configUrl,
        fetch: replicaFetch(pool, "config"),
        service: "gateway",
        log,
        transport,
        timeoutMs: 1_000,
        replicaId: env.REPLICA_ID,
      })
    : undefined;
  await reader?.start();
  const db = await openGatewayDatabase(env, shared.pglite);
  if (!db) {
    log.warn("no DATABASE_URL: requests with an Idempotency-Key are refused");
  }
  const app = createGateway({
    idempotency: db ? idempotencyStore(db) : undefined,
    services,
    log,
    // Our own logger has LOG_LEVEL; a shared one (embedded start) decides for itself.
    logForwarded: shared.log ? true : env.LOG_LEVEL === "debug",
    corsOrigins: env.CORS_ORIGINS,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    rateLimits: {
      tenant: { perSecond: env.RATE_LIMIT_TENANT_PER_SECOND, burst: env.RATE_LIMIT_TENANT_BURST },
      ip: { perSecond: env.RATE_LIMIT_IP_PER_SECOND, burst: env.RATE_LIMIT_IP_BURST },
    },
    tenantInFlight: env.RATE_LIMIT_TENANT_IN_FLIGHT,
    maxBatchSize: env.MAX_BATCH_SIZE,
    maxBodyBytes: env.MAX_BODY_BYTES,
    refusals,
    consoleDir: env.CONSOLE_DIR || undefined,
    verifyToken,
    tenantLimits: reader ? configuredTenantLimits(reader, env.MAX_BATCH_SIZE, log) : undefined,
    replicaPool: pool,
    sharedTenantBuckets: db && env.RATE_LIMIT_TENANT_SHARED ? sharedBuckets(db) : undefined,
  });
  const server = listen(app, env.PORT, "gateway", {
    hostname: env.HOST,
    trustedProxies: env.TRUSTED_PROXIES,
  });
  log.info("listening", { url: server.url, services });
  const parts: Stoppable[] = [
    server,
    { name: "replica probes", stop: async () => app.stop() },
    refusals.stoppable,
  ];
  if (reader) {
    parts.push({ name: "config reader", stop: () => reader.stop() });
  }
  if (publisher) {
    parts.push({ name: "gateway publisher", stop: () => publisher.close() });
  }
  if (own) {
    parts.push({ name: "kafka", stop: () => own.close() });
  }
  if (db && !shared.pglite) {
    parts.push({ name: "postgres", stop: () => db.close() });
  }
  if (tracing) {
    parts.push(tracing);
  }
  return { name: "gateway", url: server.url, parts };
}
