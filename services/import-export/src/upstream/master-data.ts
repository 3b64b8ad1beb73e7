import type { CallContext, ServiceClient } from "@vextrus/platform";
import { z } from "zod";

export const ImportColumn = z.object({
  name: z.string(),
  title: z.object({ en: z.string(), bn: z.string() }),
  required: z.boolean(),
  kind: z.enum(["text", "integer", "money", "choice", "list", "date"]),
  options: z.array(z.string()).optional(),
  example: z.string(),
});
export type ImportColumn = z.infer<typeof ImportColumn>;

export const ImportSpec = z.object({
  entity: z.string(),
  keys: z.array(z.string()),
  columns: z.array(ImportColumn),
});
export type ImportSpec = z.infer<typeof ImportSpec>;

export const RowError = z.object({ column: z.string(), code: z.string(), en: z.string(), bn: z.string() });
export type RowError = z.infer<typeof RowError>;

export const RowOutcome = z.object({
  rowNo: z.number().int(),
  action: z.enum(["create", "update", "unchanged", "error"]),
  applied: z.boolean(),
  id: z.uuid().optional(),
  version: z.number().int().optional(),
  diff: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })).optional(),
  errors: z.array(RowError).optional(),
});
export type RowOutcome = z.infer<typeof RowOutcome>;

export interface BatchRow {
  rowNo: number;
  values: Record<string, unknown>;
  target?: { id: string; expectedVersion: number } | undefined;
}

const Rollback = z.object({
  reverted: z.number().int(),
  kept: z.array(z.number().int()),
  remaining: z.number().int(),
  /** The last row this call went through: the next call starts after it. */
  lastRow: z.number().int(),
});
const Page = z.object({
  items: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().nullable(),
});

/** Where an entity lives in master-data: its router (`parties`). */
export type MasterDataEntity = { router: string };

/** master-data's import procedures for one entity (`parties.importBatch`…), and its list for exports. */
export function masterDataApi(client: ServiceClient) {
  return {
    spec: (e: MasterDataEntity, call: CallContext) =>
      client.query(`${e.router}.importSpec`, undefined, ImportSpec, call),
    batch: (
      e: MasterDataEntity,
      input: {
        importId: string;
        mode: string;
        keyColumn?: string | undefined;
        dryRun: boolean;
        rows: BatchRow[];
      },
      call: CallContext,
    ) => client.mutation(`${e.router}.importBatch`, input, z.array(RowOutcome), call),
    rollback: (
      e: MasterDataEntity,
      input: { importId: string; limit: number; afterRow: number },
      call: CallContext,
    ) => client.mutation(`${e.router}.importRollback`, input, Rollback, call),
    list: (e: MasterDataEntity, input: Record<string, unknown>, call: CallContext) =>
      client.query(`${e.router}.list`, input, Page, call),
  };
}

export type MasterDataApi = ReturnType<typeof masterDataApi>;
