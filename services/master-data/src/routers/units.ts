import { z } from "zod";
import { ConvertResult, UnitResult } from "../domain/results.ts";
import {
  archiveUnit,
  ConvertInput,
  CreateUnitInput,
  convertQuantity,
  createUnit,
  getUnit,
  installDefaultUnits,
  ListUnitsInput,
  listUnits,
  restoreUnit,
  UpdateUnitInput,
  updateUnit,
} from "../domain/units/verbs.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const unitsRouter = router({
  ...recordProcedures(
    "unit",
    { create: CreateUnitInput, update: UpdateUnitInput, list: ListUnitsInput, row: UnitResult },
    {
      create: createUnit,
      get: getUnit,
      list: listUnits,
      update: updateUnit,
      archive: archiveUnit,
      restore: restoreUnit,
    },
  ),
  /** Adds the Bangladeshi construction units the tenant lacks (bag, ton, kg, cft, sft, rft, …). */
  installDefaults: tenantProcedure
    .meta({ permission: "master-data:unit:create" })
    .output(z.array(UnitResult))
    .mutation(({ ctx }) => installDefaultUnits({ ctx })),
  /** `{ quantity, fromUnitId, toUnitId }` → the quantity in the other unit, exactly (6 decimals). */
  convert: tenantProcedure
    .meta({ permission: "master-data:unit:read" })
    .input(ConvertInput)
    .output(ConvertResult)
    .query(({ ctx, input }) => convertQuantity({ ctx, input })),
});
