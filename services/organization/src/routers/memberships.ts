import { ArchiveInput, ByIdInput } from "../domain/common.ts";
import {
  archiveMembership,
  CreateMembershipInput,
  createMembership,
  getMembership,
  ListMembershipsInput,
  listMemberships,
  UpdateMembershipInput,
  updateMembership,
} from "../domain/memberships.ts";
import { orgProcedure, router } from "../trpc.ts";

export const membershipsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:membership:create" })
    .input(CreateMembershipInput)
    .mutation(({ ctx, input }) => createMembership({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:membership:read" })
    .input(ByIdInput)
    .query(({ ctx, input }) => getMembership({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:membership:read" })
    .input(ListMembershipsInput)
    .query(({ ctx, input }) => listMemberships({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:membership:update" })
    .input(UpdateMembershipInput)
    .mutation(({ ctx, input }) => updateMembership({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:membership:archive" })
    .input(ArchiveInput)
    .mutation(({ ctx, input }) => archiveMembership({ ctx, input })),
});
