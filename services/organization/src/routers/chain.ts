import { ChainForUserInput, chainForUser } from "../domain/chain.ts";
import { orgProcedure, router } from "../trpc.ts";

export const chainRouter = router({
  /** The reporting chain upward from a user, with designations and approval limits (used to route approvals). */
  forUser: orgProcedure
    .meta({ permission: "organization:chain:read" })
    .input(ChainForUserInput)
    .query(({ ctx, input }) => chainForUser({ ctx, input })),
});
