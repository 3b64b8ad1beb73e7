import {
  createMetrics,
  createService,
  type Logger,
  type Metrics,
  mountNamespaces,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { Channel } from "./channels/types.ts";
import type { NotificationDeps } from "./deps.ts";
import { createInboxHub, type InboxHub } from "./domain/live.ts";
import { REPORT_PATH, type ReportRouteOptions, reportRoute } from "./report-route.ts";
import { notificationServiceRouter } from "./router.ts";
import { STREAM_PATH, streamRoute } from "./stream-route.ts";

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
  /** Outbound webhooks (default: production rules, private targets refused). */
  webhooks?: NotificationDeps["webhooks"];
  /** Fans new in-app messages out to open streams (boot shares it to stop it; default: one of its own). */
  hub?: InboxHub;
  /** Reads attachments (file-storage, document-generator); absent: sending documents is UNAVAILABLE. */
  attachments?: NotificationDeps["attachments"];
  /** The SMS provider whose delivery reports `POST /sms-reports/<provider>` accepts (default: none). */
  smsReports?: Omit<ReportRouteOptions, "db" | "log" | "clock">;
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
    webhooks: options.webhooks ?? { allowPrivate: false },
    attachments: options.attachments,
  };
  const hub = options.hub ?? createInboxHub({ db: options.db, pollMs: 1_000, log: options.log });
  return createService({
    name: "notification",
    version: pkg.version,
    router: notificationServiceRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
    routes(http) {
      // Two names at the gateway: `webhooks.*`, and `notification.*` for the rest.
      mountNamespaces(http, { names: ["webhooks"], rest: "notification" });
      http.get(
        STREAM_PATH,
        streamRoute({
          db: options.db,
          hub,
          verifyToken: options.verifyToken,
          log: options.log,
          clock: deps.clock,
        }),
      );
      if (options.smsReports) {
        http.post(
          REPORT_PATH,
          reportRoute({ db: options.db, log: options.log, clock: deps.clock, ...options.smsReports }),
        );
      }
    },
  });
}
