import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { Channel } from "./channels/types.ts";
import type { NotificationDeps } from "./deps.ts";
import { notificationRouter } from "./router.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Extra readiness probes (e.g. Kafka) besides PostgreSQL. */
  checks?: Record<string, () => Promise<unknown>>;
  metrics?: Metrics;
  clock?: () => Date;
  /** Mail and SMS for secret links (default: none, so they answer UNAVAILABLE). */
  channels?: NotificationDeps["channels"];
  settings?: Partial<NotificationDeps["settings"]>;
}

const noChannel: Channel = {
  name: "none",
  send: () => Promise.reject(new Error("no channel configured")),
};

/** The notification service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("notification");
  const deps: NotificationDeps = {
    db: options.db,
    clock: options.clock ?? (() => new Date()),
    channels: options.channels ?? { email: noChannel, sms: noChannel },
    settings: { publicUrl: "http://127.0.0.1:3000", defaultLocale: "bn", ...options.settings },
  };
  return createService({
    name: "notification",
    version: pkg.version,
    router: notificationRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
