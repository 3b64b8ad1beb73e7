import {
  archiveBranch,
  CreateBranchInput,
  createBranch,
  getBranch,
  ListBranchesInput,
  listBranches,
  UpdateBranchInput,
  updateBranch,
} from "../domain/branches.ts";
import { ArchiveInput, ByIdInput } from "../domain/common.ts";
import { orgProcedure, router } from "../trpc.ts";

export const branchesRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:branch:create" })
    .input(CreateBranchInput)
    .mutation(({ ctx, input }) => createBranch({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:branch:read" })
    .input(ByIdInput)
    .query(({ ctx, input }) => getBranch({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:branch:read" })
    .input(ListBranchesInput)
    .query(({ ctx, input }) => listBranches({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:branch:update" })
    .input(UpdateBranchInput)
    .mutation(({ ctx, input }) => updateBranch({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:branch:archive" })
    .input(ArchiveInput)
    .mutation(({ ctx, input }) => archiveBranch({ ctx, input })),
});
