import { getLetterhead, SetLetterheadInput, setLetterhead } from "../domain/letterhead.ts";
import { LetterheadResult } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** `documents.letterhead.*`: the tenant's letterhead, printed on every document it renders. */
export const letterheadRouter = router({
  get: tenantProcedure
    .meta({ permission: "document-generator:letterhead:read" })
    .output(LetterheadResult)
    .query(({ ctx }) => getLetterhead({ ctx })),
  /** Also needs `file-storage:file:read` (the logo is read from file-storage with the caller's token). */
  set: tenantProcedure
    .meta({ permission: "document-generator:letterhead:update" })
    .input(SetLetterheadInput)
    .output(LetterheadResult)
    .mutation(({ ctx, input }) => setLetterhead({ ctx, input })),
});
