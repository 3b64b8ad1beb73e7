import { LookupInput, lookupUsers } from "../domain/directory.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** What other services ask about users (with the caller's token). Any signed-in user. */
export const directoryRouter = router({
  lookup: tenantProcedure.input(LookupInput).query(({ ctx, input }) => lookupUsers({ ctx, input })),
});
