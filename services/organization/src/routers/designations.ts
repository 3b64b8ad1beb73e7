import { ArchiveInput, ByIdInput, ListInput } from "../domain/common.ts";
import {
  archiveDesignation,
  CreateDesignationInput,
  createDesignation,
  getDesignation,
  listDesignations,
  UpdateDesignationInput,
  updateDesignation,
} from "../domain/designations.ts";
import { DesignationPage, DesignationResult } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const designationsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:designation:create" })
    .input(CreateDesignationInput)
    .output(DesignationResult)
    .mutation(({ ctx, input }) => createDesignation({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:designation:read" })
    .input(ByIdInput)
    .output(DesignationResult)
    .query(({ ctx, input }) => getDesignation({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:designation:read" })
    .input(ListInput)
    .output(DesignationPage)
    .query(({ ctx, input }) => listDesignations({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:designation:update" })
    .input(UpdateDesignationInput)
    .output(DesignationResult)
    .mutation(({ ctx, input }) => updateDesignation({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:designation:archive" })
    .input(ArchiveInput)
    .output(DesignationResult)
    .mutation(({ ctx, input }) => archiveDesignation({ ctx, input })),
});
