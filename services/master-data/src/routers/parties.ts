import { ByIdInput, VersionedInput } from "../domain/common.ts";
import {
  ImportPartiesInput,
  importParties,
  partyImportSpec,
  RollbackPartiesImportInput,
  rollbackPartiesImport,
} from "../domain/parties/import.ts";
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
import { router, tenantProcedure } from "../trpc.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `master-data:party:${action}` });

export const partiesRouter = router({
  create: can("create")
    .input(CreatePartyInput)
    .mutation(({ ctx, input }) => createParty({ ctx, input })),
  get: can("read")
    .input(ByIdInput)
    .query(({ ctx, input }) => getParty({ ctx, input })),
  list: can("read")
    .input(ListPartiesInput)
    .query(({ ctx, input }) => listParties({ ctx, input })),
  update: can("update")
    .input(UpdatePartyInput)
    .mutation(({ ctx, input }) => updateParty({ ctx, input })),
  archive: can("archive")
    .input(VersionedInput)
    .mutation(({ ctx, input }) => archiveParty({ ctx, input })),
  restore: can("archive")
    .input(VersionedInput)
    .mutation(({ ctx, input }) => restoreParty({ ctx, input })),
  /** Folds a duplicate (`mergeId`) into the party kept; emits `party.merged` for other services. */
  merge: can("merge")
    .input(MergePartiesInput)
    .mutation(({ ctx, input }) => mergeParties({ ctx, input })),
  /** The spreadsheet columns of a party, from the schema `create` validates with (import templates). */
  importSpec: can("read").query(() => partyImportSpec()),
  /**
   * Spreadsheet rows (import-export sends them in batches): `dryRun` previews each row, otherwise
   * applies them with `create`'s and `update`'s rules and events, once per (importId, rowNo).
   */
  importBatch: can("import")
    .input(ImportPartiesInput)
    .mutation(({ ctx, input }) => importParties({ ctx, input })),
  /** Reverses an import's rows (archive created, restore updated) while untouched since. */
  importRollback: can("import")
    .input(RollbackPartiesImportInput)
    .mutation(({ ctx, input }) => rollbackPartiesImport({ ctx, input })),
});
