import { initServiceTrpc } from "@vextrus/platform";
import type { ConfigurationDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<ConfigurationDeps>();
