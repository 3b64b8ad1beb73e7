import { initServiceTrpc } from "@vextrus/platform";
import type { FileDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<FileDeps>();
