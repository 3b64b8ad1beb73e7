import { inboxRouter, preferencesRouter } from "./routers/inbox.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { secretsRouter } from "./routers/secrets.ts";
import { templatesRouter } from "./routers/templates.ts";
import { router } from "./trpc.ts";

export const notificationRouter = router({
  maintenance: maintenanceRouter,
  inbox: inboxRouter,
  preferences: preferencesRouter,
  secrets: secretsRouter,
  templates: templatesRouter,
});

export type NotificationRouter = typeof notificationRouter;
