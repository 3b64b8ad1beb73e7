import { z } from "zod";
import {
  accountImportSpec,
  ImportAccountsInput,
  importAccounts,
  rollbackAccountsImport,
} from "../domain/accounts/import.ts";
import {
  archiveAccount,
  CreateAccountInput,
  createAccount,
  getAccount,
  InstallTemplateInput,
  installAccountTemplate,
  ListAccountsInput,
  listAccounts,
  restoreAccount,
  UpdateAccountInput,
  updateAccount,
} from "../domain/accounts/verbs.ts";
import { RollbackImportInput } from "../domain/imports/common.ts";
import { AccountResult, ImportRollbackResult, ImportSpecResult, RowOutcomes } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `master-data:account:${action}` });

export const accountsRouter = router({
  ...recordProcedures(
    "account",
    { create: CreateAccountInput, update: UpdateAccountInput, list: ListAccountsInput, row: AccountResult },
    {
      create: createAccount,
      get: getAccount,
      list: listAccounts,
      update: updateAccount,
      archive: archiveAccount,
      restore: restoreAccount,
    },
  ),
  /** Gives a company the Bangladesh chart of accounts (the codes it lacks). */
  installTemplate: tenantProcedure
    .meta({ permission: "master-data:account:create" })
    .input(InstallTemplateInput)
    .output(z.array(AccountResult))
    .mutation(({ ctx, input }) => installAccountTemplate({ ctx, input })),
  /** The spreadsheet columns of an account, from the schema `create` validates with (import templates). */
  importSpec: can("read")
    .output(ImportSpecResult)
    .query(() => accountImportSpec()),
  /** Spreadsheet rows in batches: `dryRun` previews, otherwise applies once per (importId, rowNo). */
  importBatch: can("import")
    .input(ImportAccountsInput)
    .output(RowOutcomes)
    .mutation(({ ctx, input }) => importAccounts({ ctx, input })),
  /** Reverses an import's accounts (archive created, restore updated) while untouched since. */
  importRollback: can("import")
    .input(RollbackImportInput)
    .output(ImportRollbackResult)
    .mutation(({ ctx, input }) => rollbackAccountsImport({ ctx, input })),
});
