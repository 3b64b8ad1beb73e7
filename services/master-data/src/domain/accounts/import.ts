import { AppError } from "@vextrus/platform";
import { accounts } from "../../db/schema.ts";
import type { MdContext } from "../../deps.ts";
import { importBatchInput, type RollbackImportInput, type RowError, rowError } from "../imports/common.ts";
import { importRecords, recordImportSpec } from "../imports/records.ts";
import { rollbackRecordsImport } from "../imports/rollback.ts";
import type { ImportableRecord, Rec } from "../imports/spec.ts";
import { assertNoCycle } from "../tree.ts";
import { ACCOUNT, ACCOUNT_LINK, CreateAccountInput, hasActiveChildren } from "./verbs.ts";

const parentError = (en: string, bn: string, column = "parentId") =>
  rowError(column, "master_data.account.parent", en, bn);

/**
 * A chart of accounts from a spreadsheet: matched by code within the row's company; the parent is
 * written by its code (an account an earlier row of the batch creates counts); `create`'s and
 * `update`'s checks: the parent an active group of the same company and type, no cycle, a group
 * with accounts under it stays a group.
 */
export const ACCOUNT_IMPORT: ImportableRecord = {
  key: "account",
  event: "account",
  label: ACCOUNT.label,
  schema: CreateAccountInput,
  table: accounts,
  columns: accounts as unknown as ImportableRecord["columns"],
  keys: ["code"],
  unique: ["code"],
  scope: "companyId",
  fixed: ["companyId", "type"],
  updatable: ["code", "name", "nameBn", "isGroup", "parentId"],
  references: [
    {
      field: "parentId",
      label: { en: "Parent account", bn: "মূল হিসাব" },
      table: accounts,
      id: accounts.id,
      code: accounts.code,
      codeField: "code",
      scope: "companyId",
      self: true,
    },
  ],
  check(data: Rec, found) {
    const parent = data.parentId ? found("parentId", data.parentId) : undefined;
    if (!parent) {
      return [];
    }
    const errors: RowError[] = [];
    if (!parent.isGroup) {
      errors.push(
        parentError(
          "A ledger cannot have children; choose a group",
          "লেজারের অধীনে হিসাব রাখা যায় না; একটি গ্রুপ বেছে নিন",
        ),
      );
    }
    if (parent.companyId !== data.companyId) {
      errors.push(parentError("The parent belongs to another company", "মূল হিসাবটি অন্য কোম্পানির"));
    }
    if (parent.type !== data.type) {
      errors.push(parentError(`The parent is a ${parent.type} account`, "মূল হিসাবের ধরন আলাদা", "type"));
    }
    return errors;
  },
  checkUpdate: {
    fields: ["parentId", "isGroup"],
    async run(tx, data, current) {
      const errors: RowError[] = [];
      const id = String(current.id);
      if (data.parentId && data.parentId !== current.parentId) {
        try {
          await assertNoCycle(tx, ACCOUNT_LINK, ACCOUNT, id, String(data.parentId));
        } catch (error) {
          if (!(error instanceof AppError)) {
            throw error;
          }
          errors.push(rowError("parentId", error.code, error.text.en, error.text.bn));
        }
      }
      if (data.isGroup === false && current.isGroup && (await hasActiveChildren(tx, id))) {
        errors.push(
          rowError(
            "isGroup",
            "master_data.account.ledger_children",
            "This group still holds accounts: a ledger cannot have children",
            "এই গ্রুপে এখনও হিসাব আছে: লেজারের অধীনে হিসাব থাকতে পারে না",
          ),
        );
      }
      return errors;
    },
  },
};

export const ImportAccountsInput = importBatchInput(["code"]);
export const accountImportSpec = () => recordImportSpec(ACCOUNT_IMPORT);
export const importAccounts = (call: { ctx: MdContext; input: typeof ImportAccountsInput._output }) =>
  importRecords(ACCOUNT_IMPORT, call);
export const rollbackAccountsImport = (call: { ctx: MdContext; input: RollbackImportInput }) =>
  rollbackRecordsImport(ACCOUNT_IMPORT, call);
