import { z } from "zod";
import { PermissionResult, RoleDeleted, RoleResult } from "../domain/results.ts";
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
  list: tenantProcedure
    .meta({ permission: "auth:role:read" })
    .output(z.array(RoleResult))
    .query(({ ctx }) => listRoles({ ctx })),
  get: tenantProcedure
    .meta({ permission: "auth:role:read" })
    .input(RoleIdInput)
    .output(RoleResult)
    .query(({ ctx, input }) => getRole({ ctx, input })),
  create: tenantProcedure
    .meta({ permission: "auth:role:create" })
    .input(CreateRoleInput)
    .output(RoleResult)
    .mutation(({ ctx, input }) => createRole({ ctx, input })),
  update: tenantProcedure
    .meta({ permission: "auth:role:update" })
    .input(UpdateRoleInput)
    .output(RoleResult)
    .mutation(({ ctx, input }) => updateRole({ ctx, input })),
  delete: tenantProcedure
    .meta({ permission: "auth:role:delete" })
    .input(RoleIdInput)
    .output(RoleDeleted)
    .mutation(({ ctx, input }) => deleteRole({ ctx, input })),
});

export const permissionsRouter = router({
  list: tenantProcedure
    .meta({ permission: "auth:permission:read" })
    .output(z.array(PermissionResult))
    .query(({ ctx }) => listPermissions({ ctx })),
});
