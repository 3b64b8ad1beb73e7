import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { serviceCredentials } from "@vextrus/platform";
import { createApp } from "./app.ts";
import { startBounceReader } from "./channels/bounce-mailbox.ts";
import { channelsFrom } from "./channels/index.ts";
import { outbox } from "./db/schema.ts";
import { startDispatcher } from "./domain/dispatch.ts";
import { createInboxHub } from "./domain/live.ts";
import { startWebhookDispatcher, startWebhookFeed } from "./domain/webhooks/dispatch.ts";
import type { NotificationEnv } from "./env.ts";
import { startNotificationEvents } from "./events.ts";
import { createNotificationMetrics } from "./metrics.ts";
import { attachmentSource } from "./upstream/attachments.ts";

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
  const settings = {
    defaultLocale: env.DEFAULT_LOCALE,
    publicUrl: env.PUBLIC_URL,
    clock: () => new Date(),
    smsSegmentPoisha: env.SMS_SEGMENT_COST_POISHA,
  };
  const attachments = env.SERVICE_TOKEN_SECRET
    ? attachmentSource({
        filesUrl: env.FILES_URL,
        documentsUrl: env.DOCUMENTS_URL,
        credentials: serviceCredentials({
          service: "notification",
          authUrl: env.AUTH_URL,
          secret: env.SERVICE_TOKEN_SECRET,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        }),
        timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        maxBytes: env.MAIL_ATTACHMENTS_MAX_BYTES,
      })
    : undefined;
  if (!attachments) {
    log.warn("SERVICE_TOKEN_SECRET is not set: mail cannot carry files or documents");
  }
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
    ...(env.SMS_URL
      ? {
          smsReports: {
            provider: env.SMS_PROVIDER,
            apiKey: env.SMS_API_KEY,
            token: env.SMS_REPORT_TOKEN,
            publicUrl: env.SMS_REPORT_URL,
          },
        }
      : {}),
    webhooks: { allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE_TARGETS },
    attachments,
  });
  const webhooks = {
    db,
    log,
    clock: () => new Date(),
    settings: {
      allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
      timeoutMs: env.WEBHOOKS_TIMEOUT_MS,
      disableAfter: env.WEBHOOKS_DISABLE_AFTER,
    },
  };
  const dispatcher = {
    db,
    channels,
    clock: () => new Date(),
    log,
    metrics: createNotificationMetrics(metrics.registry),
    maxAttempts: env.DISPATCH_MAX_ATTEMPTS,
    attachments,
  };
  return rt.serve(app, {
    outbox,
    consumers: async (transport) => [
      startDispatcher(dispatcher, env.DISPATCH_INTERVAL_MS),
      hub,
      { name: "mail transport", stop: async () => channels.close() },
      ...(await startNotificationEvents({ db, transport, log, settings, registry: metrics.registry })),
      startWebhookDispatcher(webhooks, env.WEBHOOKS_DISPATCH_INTERVAL_MS),
      ...(env.BOUNCE_IMAP_URL
        ? [
            startBounceReader(
              { db, url: env.BOUNCE_IMAP_URL, log, clock: () => new Date() },
              env.BOUNCE_POLL_MS,
            ),
          ]
        : []),
      await startWebhookFeed({ db, transport, log, clock: webhooks.clock }),
    ],
  });
}
