import { z } from "zod";

/**
 * What can be imported and exported, and where it lives. Each entity's columns come from its owning
 * service (`<router>.importSpec`, read from the schema that service validates with); rows are applied
 * by that service (`<router>.importBatch`), never written here.
 */
export const ENTITIES = {
  party: {
    router: "parties",
    label: { en: "Parties", bn: "পক্ষ" },
    /** What a job acting for its creator needs, of the creator's own permissions. */
    importPermissions: ["master-data:party:import", "master-data:party:read", "file-storage:file:read"],
    exportPermissions: ["master-data:party:read", "file-storage:file:upload"],
  },
} as const;

export type EntityName = keyof typeof ENTITIES;
export const EntityName = z.enum(Object.keys(ENTITIES) as [EntityName, ...EntityName[]]);
export const entityOf = (name: string) => ENTITIES[name as EntityName];
