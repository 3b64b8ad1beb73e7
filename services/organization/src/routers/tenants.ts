import { TenantDiscarded, TenantPage, TenantResult } from "../domain/results.ts";
import {
  CreateTenantInput,
  createTenant,
  DiscardTenantInput,
  discardTenant,
  getTenant,
  ListTenantsInput,
  listTenants,
  SetTenantStatusInput,
  setTenantStatus,
  UpdateTenantInput,
  updateTenant,
} from "../domain/tenants.ts";
import { orgProcedure, router, tenantProcedure } from "../trpc.ts";

export const tenantsRouter = router({
  /** Platform: register a new customer organisation (the auth service's sign-up calls this). */
  create: tenantProcedure
    .meta({ permission: "platform:tenant:create" })
    .input(CreateTenantInput)
    .output(TenantResult)
    .mutation(({ ctx, input }) => createTenant({ ctx, input })),
  /** Platform: undo a registration that failed half-way; only an empty tenant can be discarded. */
  discard: tenantProcedure
    .meta({ permission: "platform:tenant:create" })
    .input(DiscardTenantInput)
    .output(TenantDiscarded)
    .mutation(({ ctx, input }) => discardTenant({ ctx, input })),
  list: tenantProcedure
    .meta({ permission: "platform:tenant:read" })
    .input(ListTenantsInput)
    .output(TenantPage)
    .query(({ ctx, input }) => listTenants({ ctx, input })),
  suspend: tenantProcedure
    .meta({ permission: "platform:tenant:manage" })
    .input(SetTenantStatusInput)
    .output(TenantResult)
    .mutation(({ ctx, input }) => setTenantStatus({ ctx, input, status: "suspended" })),
  activate: tenantProcedure
    .meta({ permission: "platform:tenant:manage" })
    .input(SetTenantStatusInput)
    .output(TenantResult)
    .mutation(({ ctx, input }) => setTenantStatus({ ctx, input, status: "active" })),
  /** The caller's own organisation. */
  get: orgProcedure
    .meta({ permission: "organization:tenant:read" })
    .output(TenantResult)
    .query(({ ctx }) => getTenant({ ctx })),
  update: orgProcedure
    .meta({ permission: "organization:tenant:update" })
    .input(UpdateTenantInput)
    .output(TenantResult)
    .mutation(({ ctx, input }) => updateTenant({ ctx, input })),
});
