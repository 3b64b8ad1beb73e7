import { TextsResult } from "../domain/results.ts";
import { GetTextsInput, getTexts, SetTextsInput, setTexts } from "../domain/texts.ts";
import { router, tenantProcedure } from "../trpc.ts";

/**
 * `documents.texts.*`: the tenant's wording of a template's labels. It belongs with the letterhead
 * (how the tenant's documents look), so it takes the letterhead's permissions.
 */
export const textsRouter = router({
  get: tenantProcedure
    .meta({ permission: "document-generator:letterhead:read" })
    .input(GetTextsInput)
    .output(TextsResult)
    .query(({ ctx, input }) => getTexts({ ctx, input })),
  set: tenantProcedure
    .meta({ permission: "document-generator:letterhead:update" })
    .input(SetTextsInput)
    .output(TextsResult)
    .mutation(({ ctx, input }) => setTexts({ ctx, input })),
});
