import { fileURLToPath } from "node:url";
import {
  type Booted,
  type Consumer,
  describeError,
  openRuntime,
  type SharedResources,
} from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import { createApp } from "./app.ts";
import type { AuditEnv } from "./env.ts";
import { startAuditConsumer } from "./events.ts";
import { createAuditMetrics } from "./metrics.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/audit", import.meta.url));

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
 * Wires the audit service: migrates, connects, serves HTTP, consumes every catalog topic (from the
 * shared bus, or Kafka when KAFKA_BROKERS is set). The retention policy runs when the scheduler's
 * platform job calls `audit.maintenance.applyRetention` (daily).
 */
export async function bootAudit(env: AuditEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "audit", env, shared, migrations: MIGRATIONS });
  const { db, log, metrics } = rt;
  if (!rt.verifyToken) {
    log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const auditMetrics = createAuditMetrics(metrics.registry, db);
  const app = createApp({
    db,
    log,
    verifyToken: rt.verifyToken,
    metrics,
    auditMetrics,
    checks: rt.checks,
    retentionDays: env.AUDIT_RETENTION_DAYS,
  });
  return rt.serve(app, {
    consumers: async (transport) => {
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
      return [transport.kind === "in-process" ? await startNow(start) : consumeInBackground(start, log)];
    },
  });
}

async function startNow(start: () => Promise<Consumer>): Promise<Stoppable> {
  const consumer = await start();
  return { name: "event consumer", stop: () => consumer.stop() };
}
