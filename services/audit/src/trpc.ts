import { initServiceTrpc } from "@vextrus/platform";
import type { AuditDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<AuditDeps>();
