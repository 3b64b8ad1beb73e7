import { initServiceTrpc } from "@vextrus/platform";
import type { NotificationDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<NotificationDeps>();
