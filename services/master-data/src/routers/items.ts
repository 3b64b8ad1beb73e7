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
import { router } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const itemsRouter = router(
  recordProcedures(
    "item",
    { create: CreateItemInput, update: UpdateItemInput, list: ListItemsInput },
    {
      create: createItem,
      get: getItem,
      list: listItems,
      update: updateItem,
      archive: archiveItem,
      restore: restoreItem,
    },
  ),
);

export const itemGroupsRouter = router(
  recordProcedures(
    "item_group",
    { create: CreateItemGroupInput, update: UpdateItemGroupInput, list: ListItemGroupsInput },
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
