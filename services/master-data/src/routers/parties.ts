import { ByIdInput, VersionedInput } from "../domain/common.ts";
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
});
