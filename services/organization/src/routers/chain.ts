import { ChainForUserInput, chainForUser } from "../domain/chain.ts";
import { ChainResult } from "../domain/results.ts";
import { orgProcedure, router } from "../trpc.ts";

export const chainRouter = router({
  /** The reporting chain upward from a user, with designations and approval limits (used to route approvals). */
  forUser: orgProcedure
    .meta({ permission: "organization:chain:read" })
    .input(ChainForUserInput)
    .output(ChainResult)
    .query(({ ctx, input }) => chainForUser({ ctx, input })),
});
