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
import { BranchPage, BranchResult } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const branchesRouter = router({
  create: orgProcedure
    .meta({ permission: "organization:branch:create" })
    .input(CreateBranchInput)
    .output(BranchResult)
    .mutation(({ ctx, input }) => createBranch({ ctx, input })),
  get: orgProcedure
    .meta({ permission: "organization:branch:read" })
    .input(ByIdInput)
    .output(BranchResult)
    .query(({ ctx, input }) => getBranch({ ctx, input })),
  list: orgProcedure
    .meta({ permission: "organization:branch:read" })
    .input(ListBranchesInput)
    .output(BranchPage)
    .query(({ ctx, input }) => listBranches({ ctx, input })),
  update: orgProcedure
    .meta({ permission: "organization:branch:update" })
    .input(UpdateBranchInput)
    .output(BranchResult)
    .mutation(({ ctx, input }) => updateBranch({ ctx, input })),
  archive: orgProcedure
    .meta({ permission: "organization:branch:archive" })
    .input(ArchiveInput)
    .output(BranchResult)
    .mutation(({ ctx, input }) => archiveBranch({ ctx, input })),
});
