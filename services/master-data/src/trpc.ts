import { initServiceTrpc } from "@vextrus/platform";
import type { MasterDataDeps } from "./deps.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<MasterDataDeps>();
