import {
  CreateRoleInput,
  createRole,
  deleteRole,
  getRole,
  listPermissions,
  listRoles,
  RoleIdInput,
  UpdateRoleInput,
  updateRole,
} from "../domain/roles.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const rolesRouter = router({
  list: tenantProcedure.meta({ permission: "auth:role:read" }).query(({ ctx }) => listRoles({ ctx })),
  get: tenantProcedure
    .meta({ permission: "auth:role:read" })
    .input(RoleIdInput)
    .query(({ ctx, input }) => getRole({ ctx, input })),
  create: tenantProcedure
    .meta({ permission: "auth:role:create" })
    .input(CreateRoleInput)
    .mutation(({ ctx, input }) => createRole({ ctx, input })),
  update: tenantProcedure
    .meta({ permission: "auth:role:update" })
    .input(UpdateRoleInput)
    .mutation(({ ctx, input }) => updateRole({ ctx, input })),
  delete: tenantProcedure
    .meta({ permission: "auth:role:delete" })
    .input(RoleIdInput)
    .mutation(({ ctx, input }) => deleteRole({ ctx, input })),
});

export const permissionsRouter = router({
  list: tenantProcedure
    .meta({ permission: "auth:permission:read" })
    .query(({ ctx }) => listPermissions({ ctx })),
});
