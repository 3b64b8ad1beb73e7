import { ListDefinitionsInput, listDefinitions } from "../domain/definitions.ts";
import { DefinitionsResult } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

export const definitionsRouter = router({
  list: tenantProcedure
    .meta({ permission: "configuration:definition:read" })
    .input(ListDefinitionsInput)
    .output(DefinitionsResult)
    .query(({ input }) => listDefinitions({ input })),
});
