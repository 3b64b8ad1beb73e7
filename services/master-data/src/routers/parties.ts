import { ByIdInput, VersionedInput } from "../domain/common.ts";
import { ImportPartiesInput, importParties, partyImportSpec } from "../domain/parties/import.ts";
import { RollbackPartiesImportInput, rollbackPartiesImport } from "../domain/parties/import-rollback.ts";
import {
  CreatePartyInput,
  ListPartiesInput,
  MergePartiesInput,
  UpdatePartyInput,
} from "../domain/parties/schemas.ts";
import {
  archiveParty,
  createParty,
  getParty,
  listParties,
  mergeParties,
  restoreParty,
  updateParty,
} from "../domain/parties/verbs.ts";
import {
  ImportRollbackResult,
  ImportSpecResult,
  MergeResult,
  PartyPage,
  PartyResult,
  RowOutcomes,
} from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `master-data:party:${action}` });

export const partiesRouter = router({
  create: can("create")
    .input(CreatePartyInput)
    .output(PartyResult)
    .mutation(({ ctx, input }) => createParty({ ctx, input })),
  get: can("read")
    .input(ByIdInput)
    .output(PartyResult)
    .query(({ ctx, input }) => getParty({ ctx, input })),
  list: can("read")
    .input(ListPartiesInput)
    .output(PartyPage)
    .query(({ ctx, input }) => listParties({ ctx, input })),
  update: can("update")
    .input(UpdatePartyInput)
    .output(PartyResult)
    .mutation(({ ctx, input }) => updateParty({ ctx, input })),
  archive: can("archive")
    .input(VersionedInput)
    .output(PartyResult)
    .mutation(({ ctx, input }) => archiveParty({ ctx, input })),
  restore: can("archive")
    .input(VersionedInput)
    .output(PartyResult)
    .mutation(({ ctx, input }) => restoreParty({ ctx, input })),
  /** Folds a duplicate (`mergeId`) into the party kept; emits `party.merged` for other services. */
  merge: can("merge")
    .input(MergePartiesInput)
    .output(MergeResult)
    .mutation(({ ctx, input }) => mergeParties({ ctx, input })),
  /** The spreadsheet columns of a party, from the schema `create` validates with (import templates). */
  importSpec: can("read")
    .output(ImportSpecResult)
    .query(() => partyImportSpec()),
  /**
   * Spreadsheet rows (import-export sends them in batches): `dryRun` previews each row, otherwise
   * applies them with `create`'s and `update`'s rules and events, once per (importId, rowNo).
   */
  importBatch: can("import")
    .input(ImportPartiesInput)
    .output(RowOutcomes)
    .mutation(({ ctx, input }) => importParties({ ctx, input })),
  /** Reverses an import's rows (archive created, restore updated) while untouched since. */
  importRollback: can("import")
    .input(RollbackPartiesImportInput)
    .output(ImportRollbackResult)
    .mutation(({ ctx, input }) => rollbackPartiesImport({ ctx, input })),
});
