/**
 * What the record procedures answer, as zod schemas derived from the tables (drizzle-zod): each router
 * declares them with `.output(…)`, so the OpenAPI document describes every result and a row that does
 * not match its table's shape never leaves the service.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { accounts } from "../db/accounts.ts";
import { costCentres } from "../db/cost-centres.ts";
import { itemGroups, items } from "../db/items.ts";
import { parties } from "../db/parties.ts";
import { flats, projects } from "../db/projects.ts";
import { series } from "../db/series.ts";
import { units } from "../db/units.ts";
import { ImportColumn } from "./imports/common.ts";

export const PartyResult = createSelectSchema(parties);
export const UnitResult = createSelectSchema(units);
export const ItemGroupResult = createSelectSchema(itemGroups);
export const ItemResult = createSelectSchema(items);
export const AccountResult = createSelectSchema(accounts);
export const CostCentreResult = createSelectSchema(costCentres);
export const ProjectResult = createSelectSchema(projects);
export const FlatResult = createSelectSchema(flats);
export const SeriesResult = createSelectSchema(series);

export const FlatPage = PageSchema(FlatResult);
export const PartyPage = PageSchema(PartyResult);

export const MergeResult = z.object({ keep: PartyResult, merged: PartyResult });
export const ConvertResult = z.object({
  from: z.string(),
  to: z.string(),
  quantity: z.string().describe("the quantity in the target unit, a decimal string"),
  exact: z.boolean(),
});
export const NextNumberResult = z.object({
  number: z.string().describe("the formatted number, e.g. PO/2025-26/000123"),
  value: z.number().int(),
  period: z.string(),
  seriesId: z.uuid(),
});
export const ImportRollbackResult = z.object({
  reverted: z.number().int(),
  kept: z.array(z.number().int()).describe("rows left as they are: changed since the import"),
  remaining: z.number().int(),
  lastRow: z.number().int(),
});

/** The spreadsheet columns of an entity (import-export builds templates and reads files with them). */
export const ImportSpecResult = z.object({
  entity: z.string(),
  keys: z.array(z.string()).readonly().describe("the columns a row may be matched by"),
  columns: z.array(ImportColumn),
});
export const RowOutcomes = z.array(
  z.object({
    rowNo: z.number().int(),
    action: z.enum(["create", "update", "unchanged", "error"]),
    applied: z.boolean().describe("applied now, or by an earlier call with the same import and row"),
    id: z.uuid().optional(),
    version: z.number().int().optional(),
    diff: z
      .array(z.object({ field: z.string(), from: z.unknown().optional(), to: z.unknown().optional() }))
      .optional(),
    errors: z
      .array(z.object({ column: z.string(), code: z.string(), en: z.string(), bn: z.string() }))
      .optional(),
  }),
);

const Place = { id: z.number().int(), name: z.string(), nameBn: z.string() };
export const Divisions = z.array(z.object(Place)).readonly();
export const Districts = z.array(z.object({ ...Place, divisionId: z.number().int() }));
export const Upazilas = z.array(z.object({ ...Place, districtId: z.number().int() }));
