import { RollbackImportInput } from "../domain/imports/common.ts";
import {
  archiveItemGroup,
  CreateItemGroupInput,
  createItemGroup,
  getItemGroup,
  ListItemGroupsInput,
  listItemGroups,
  restoreItemGroup,
  UpdateItemGroupInput,
  updateItemGroup,
} from "../domain/items/groups.ts";
import {
  ImportItemsInput,
  importItems,
  itemImportSpec,
  rollbackItemsImport,
} from "../domain/items/import.ts";
import {
  archiveItem,
  CreateItemInput,
  createItem,
  getItem,
  ListItemsInput,
  listItems,
  restoreItem,
  UpdateItemInput,
  updateItem,
} from "../domain/items/items.ts";
import {
  ImportRollbackResult,
  ImportSpecResult,
  ItemGroupResult,
  ItemResult,
  RowOutcomes,
} from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `master-data:item:${action}` });

export const itemsRouter = router({
  ...recordProcedures(
    "item",
    { create: CreateItemInput, update: UpdateItemInput, list: ListItemsInput, row: ItemResult },
    {
      create: createItem,
      get: getItem,
      list: listItems,
      update: updateItem,
      archive: archiveItem,
      restore: restoreItem,
    },
  ),
  /** The spreadsheet columns of an item, from the schema `create` validates with (import templates). */
  importSpec: can("read")
    .output(ImportSpecResult)
    .query(() => itemImportSpec()),
  /** Spreadsheet rows in batches: `dryRun` previews, otherwise applies once per (importId, rowNo). */
  importBatch: can("import")
    .input(ImportItemsInput)
    .output(RowOutcomes)
    .mutation(({ ctx, input }) => importItems({ ctx, input })),
  /** Reverses an import's items (archive created, restore updated) while untouched since. */
  importRollback: can("import")
    .input(RollbackImportInput)
    .output(ImportRollbackResult)
    .mutation(({ ctx, input }) => rollbackItemsImport({ ctx, input })),
});

export const itemGroupsRouter = router(
  recordProcedures(
    "item_group",
    {
      create: CreateItemGroupInput,
      update: UpdateItemGroupInput,
      list: ListItemGroupsInput,
      row: ItemGroupResult,
    },
    {
      create: createItemGroup,
      get: getItemGroup,
      list: listItemGroups,
      update: updateItemGroup,
      archive: archiveItemGroup,
      restore: restoreItemGroup,
    },
  ),
);
