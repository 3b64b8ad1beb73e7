import { initServiceTrpc } from "@vextrus/platform";
import type { AuthDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<AuthDeps>();
