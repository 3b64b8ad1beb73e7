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
import { MembershipPage, MembershipResult } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const membershipsRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:membership:create" })
    .input(CreateMembershipInput)
    .output(MembershipResult)
    .mutation(({ ctx, input }) => createMembership({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:membership:read" })
    .input(ByIdInput)
    .output(MembershipResult)
    .query(({ ctx, input }) => getMembership({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:membership:read" })
    .input(ListMembershipsInput)
    .output(MembershipPage)
    .query(({ ctx, input }) => listMemberships({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:membership:update" })
    .input(UpdateMembershipInput)
    .output(MembershipResult)
    .mutation(({ ctx, input }) => updateMembership({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:membership:archive" })
    .input(ArchiveInput)
    .output(MembershipResult)
    .mutation(({ ctx, input }) => archiveMembership({ ctx, input })),
});
