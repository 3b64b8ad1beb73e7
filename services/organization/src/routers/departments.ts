import { ArchiveInput, ByIdInput } from "../domain/common.ts";
import {
  archiveDepartment,
  CreateDepartmentInput,
  createDepartment,
  DepartmentTreeInput,
  departmentTree,
  getDepartment,
  ListDepartmentsInput,
  listDepartments,
  UpdateDepartmentInput,
  updateDepartment,
} from "../domain/departments.ts";
import { orgProcedure, router } from "../trpc.ts";

export const departmentsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:department:create" })
    .input(CreateDepartmentInput)
    .mutation(({ ctx, input }) => createDepartment({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(ByIdInput)
    .query(({ ctx, input }) => getDepartment({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(ListDepartmentsInput)
    .query(({ ctx, input }) => listDepartments({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:department:update" })
    .input(UpdateDepartmentInput)
    .mutation(({ ctx, input }) => updateDepartment({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:department:archive" })
    .input(ArchiveInput)
    .mutation(({ ctx, input }) => archiveDepartment({ ctx, input })),
  /** The active departments as nested nodes with `children`. */
  tree: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(DepartmentTreeInput)
    .query(({ ctx, input }) => departmentTree({ ctx, input })),
});
