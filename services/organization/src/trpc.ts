import { initServiceTrpc } from "@vextrus/platform";
import type { OrganizationDeps } from "./deps.ts";
import { assertTenantActive } from "./domain/tenant-status.ts";

export const { router, publicProcedure, tenantProcedure, middleware, createCallerFactory } =
  initServiceTrpc<OrganizationDeps>();

/** Tenant procedures of this service: a suspended tenant's calls fail with FORBIDDEN. */
export const orgProcedure = tenantProcedure.use(async ({ ctx, next }) => {
  await assertTenantActive(ctx);
  return next();
});
