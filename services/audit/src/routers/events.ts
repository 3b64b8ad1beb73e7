import { ListEntriesInput, listEntries } from "../domain/entries.ts";
import { AuditEntryPage } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const eventsRouter = router({
  /** The caller's tenant log, newest first; filter by subject, actor, type prefix and time. */
  list: tenantProcedure
    .meta({ permission: "audit:event:read" })
    .input(ListEntriesInput)
    .output(AuditEntryPage)
    .query(({ ctx, input }) => listEntries({ ctx, input })),
});
