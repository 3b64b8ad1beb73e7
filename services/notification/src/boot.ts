import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { channelsFrom } from "./channels/index.ts";
import { outbox } from "./db/schema.ts";
import { startDispatcher } from "./domain/dispatch.ts";
import { createInboxHub } from "./domain/live.ts";
import type { NotificationEnv } from "./env.ts";
import { startNotificationEvents } from "./events.ts";
import { createNotificationMetrics } from "./metrics.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/notification", import.meta.url));

/**
 * Migrates, connects, serves HTTP, relays its outbox, consumes auth's user and workflow's task events
 * (recording the messages they ask for) and dispatches queued mail and SMS.
 */
export async function bootNotification(env: NotificationEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "notification", env, shared, migrations: MIGRATIONS });
  const { db, log, metrics } = rt;
  if (!rt.verifyToken) {
    log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const channels = channelsFrom(env, log);
  const settings = { defaultLocale: env.DEFAULT_LOCALE, publicUrl: env.PUBLIC_URL, clock: () => new Date() };
  const hub = createInboxHub({ db, pollMs: env.STREAM_POLL_MS, log });
  const app = createApp({
    db,
    log,
    verifyToken: rt.verifyToken,
    metrics,
    checks: rt.checks,
    channels,
    settings,
    hub,
  });
  const dispatcher = {
    db,
    channels,
    clock: () => new Date(),
    log,
    metrics: createNotificationMetrics(metrics.registry),
    maxAttempts: env.DISPATCH_MAX_ATTEMPTS,
  };
  return rt.serve(app, {
    outbox,
    consumers: async (transport) => [
      startDispatcher(dispatcher, env.DISPATCH_INTERVAL_MS),
      hub,
      { name: "mail transport", stop: async () => channels.close() },
      ...(await startNotificationEvents({ db, transport, log, settings, registry: metrics.registry })),
    ],
  });
}
