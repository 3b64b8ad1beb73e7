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
import { DepartmentPage, DepartmentResult, DepartmentTree } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const departmentsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:department:create" })
    .input(CreateDepartmentInput)
    .output(DepartmentResult)
    .mutation(({ ctx, input }) => createDepartment({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(ByIdInput)
    .output(DepartmentResult)
    .query(({ ctx, input }) => getDepartment({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(ListDepartmentsInput)
    .output(DepartmentPage)
    .query(({ ctx, input }) => listDepartments({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:department:update" })
    .input(UpdateDepartmentInput)
    .output(DepartmentResult)
    .mutation(({ ctx, input }) => updateDepartment({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:department:archive" })
    .input(ArchiveInput)
    .output(DepartmentResult)
    .mutation(({ ctx, input }) => archiveDepartment({ ctx, input })),
  /** The active departments as nested nodes with `children`. */
  tree: orgProcedure
    .meta({ permission: "organization:department:read" })
    .input(DepartmentTreeInput)
    .output(DepartmentTree)
    .query(({ ctx, input }) => departmentTree({ ctx, input })),
});
