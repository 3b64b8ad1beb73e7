import { initServiceTrpc } from "@vextrus/platform";
import type { DocumentDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<DocumentDeps>();
