import { z } from "zod";

/** What a job acting for its creator needs, of the creator's own permissions (per master-data entity). */
const permissions = (entity: string) => ({
  importPermissions: [`master-data:${entity}:import`, `master-data:${entity}:read`, "file-storage:file:read"],
  exportPermissions: [`master-data:${entity}:read`, "file-storage:file:upload"],
});

/**
 * What can be imported and exported, and where it lives. Each entity's columns come from its owning
 * service (`<router>.importSpec`, read from the schema that service validates with); rows are applied
 * by that service (`<router>.importBatch`), never written here. `state`: the record's own columns an
 * export adds after the spreadsheet's (a party's status, an item's or account's archive time).
 */
export const ENTITIES = {
  party: {
    router: "parties",
    label: { en: "Parties", bn: "পক্ষ" },
    state: ["status"],
    ...permissions("party"),
  },
  item: {
    router: "items",
    label: { en: "Items", bn: "পণ্য" },
    state: ["archivedAt"],
    ...permissions("item"),
  },
  account: {
    router: "accounts",
    label: { en: "Chart of accounts", bn: "হিসাবের তালিকা" },
    state: ["archivedAt"],
    ...permissions("account"),
  },
} as const;

export type EntityName = keyof typeof ENTITIES;
export const EntityName = z.enum(Object.keys(ENTITIES) as [EntityName, ...EntityName[]]);
export const entityOf = (name: string) => ENTITIES[name as EntityName];
