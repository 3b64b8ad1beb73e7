import { initServiceTrpc } from "@vextrus/platform";
import type { SchedulerDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<SchedulerDeps>();
