import { inboxRouter, preferencesRouter } from "./routers/inbox.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { messagesRouter } from "./routers/messages.ts";
import { secretsRouter } from "./routers/secrets.ts";
import { subscriptionsRouter } from "./routers/subscriptions.ts";
import { templatesRouter } from "./routers/templates.ts";
import { usageRouter } from "./routers/usage.ts";
import { webhooksRouter } from "./routers/webhooks.ts";
import { router } from "./trpc.ts";

const messaging = {
  maintenance: maintenanceRouter,
  inbox: inboxRouter,
  messages: messagesRouter,
  preferences: preferencesRouter,
  secrets: secretsRouter,
  templates: templatesRouter,
  subscriptions: subscriptionsRouter,
  usage: usageRouter,
};

/** The `notification.*` procedures at the gateway: messages, templates, preferences, subscriptions. */
export const notificationRouter = router(messaging);

/** The `webhooks.*` procedures at the gateway: outbound webhooks, one more channel of this service. */
export { webhooksRouter };

/**
 * What the service itself serves at `/trpc` (service-to-service callers and its own tests): both,
 * webhooks under `webhooks.`. The gateway reaches them as two names, `<service>/notification` and
 * `<service>/webhooks` (see app.ts), so each procedure has one name there.
 */
export const notificationServiceRouter = router({ ...messaging, webhooks: webhooksRouter });

export type NotificationRouter = typeof notificationRouter;
export type WebhooksRouter = typeof webhooksRouter;
export type NotificationServiceRouter = typeof notificationServiceRouter;
