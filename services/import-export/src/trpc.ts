import { initServiceTrpc } from "@vextrus/platform";
import type { ImportExportDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<ImportExportDeps>();
