import { inboxRouter, preferencesRouter } from "./routers/inbox.ts";
import { router } from "./trpc.ts";

export const notificationRouter = router({
  inbox: inboxRouter,
  preferences: preferencesRouter,
});

export type NotificationRouter = typeof notificationRouter;
