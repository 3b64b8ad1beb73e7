import { ListDefinitionsInput, listDefinitions } from "../domain/definitions.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const definitionsRouter = router({
  list: tenantProcedure
    .meta({ permission: "configuration:definition:read" })
    .input(ListDefinitionsInput)
    .query(({ input }) => listDefinitions({ input })),
});
