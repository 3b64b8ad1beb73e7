import { inboxRouter, preferencesRouter } from "./routers/inbox.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { router } from "./trpc.ts";

export const notificationRouter = router({
  maintenance: maintenanceRouter,
  inbox: inboxRouter,
  preferences: preferencesRouter,
});

export type NotificationRouter = typeof notificationRouter;
