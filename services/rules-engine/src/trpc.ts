import { initServiceTrpc } from "@vextrus/platform";
import type { RulesDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<RulesDeps>();
