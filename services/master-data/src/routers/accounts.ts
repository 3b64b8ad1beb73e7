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
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const accountsRouter = router({
  ...recordProcedures(
    "account",
    { create: CreateAccountInput, update: UpdateAccountInput, list: ListAccountsInput },
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
    .mutation(({ ctx, input }) => installAccountTemplate({ ctx, input })),
});
