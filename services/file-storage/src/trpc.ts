import { initServiceTrpc } from "@vextrus/platform";
import type { FileDeps } from "./deps.ts";
import { forwardedAuthorization } from "./upstream/forwarded-auth.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<FileDeps>();

/** Tenant procedures of this service; they carry the caller's Authorization header to forward. */
export const fileProcedure = tenantProcedure.use(({ next }) =>
  next({ ctx: { authorization: forwardedAuthorization() } }),
);
