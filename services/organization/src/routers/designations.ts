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
import { orgProcedure, router } from "../trpc.ts";

export const designationsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:designation:create" })
    .input(CreateDesignationInput)
    .mutation(({ ctx, input }) => createDesignation({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:designation:read" })
    .input(ByIdInput)
    .query(({ ctx, input }) => getDesignation({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:designation:read" })
    .input(ListInput)
    .query(({ ctx, input }) => listDesignations({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:designation:update" })
    .input(UpdateDesignationInput)
    .mutation(({ ctx, input }) => updateDesignation({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:designation:archive" })
    .input(ArchiveInput)
    .mutation(({ ctx, input }) => archiveDesignation({ ctx, input })),
});
