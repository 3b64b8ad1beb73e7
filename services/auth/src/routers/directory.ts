import { LookupInput, lookupUsers } from "../domain/directory.ts";
import { LookupResult } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** What other services ask about users (with the caller's token). Any signed-in user. */
export const directoryRouter = router({
  lookup: tenantProcedure
    .input(LookupInput)
    .output(LookupResult)
    .query(({ ctx, input }) => lookupUsers({ ctx, input })),
});
