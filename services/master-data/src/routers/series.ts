import { NextNumberResult, SeriesResult } from "../domain/results.ts";
import {
  archiveSeries,
  CreateSeriesInput,
  createSeries,
  getSeries,
  ListSeriesInput,
  listSeries,
  NextNumberInput,
  nextNumber,
  restoreSeries,
  UpdateSeriesInput,
  updateSeries,
} from "../domain/series/verbs.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const seriesRouter = router({
  ...recordProcedures(
    "series",
    { create: CreateSeriesInput, update: UpdateSeriesInput, list: ListSeriesInput, row: SeriesResult },
    {
      create: createSeries,
      get: getSeries,
      list: listSeries,
      update: updateSeries,
      archive: archiveSeries,
      restore: restoreSeries,
    },
  ),
  /** `{ companyId, key }` → the next gap-free number, e.g. `PO/2025-26/000123`. */
  next: tenantProcedure
    .meta({ permission: "master-data:series:next" })
    .input(NextNumberInput)
    .output(NextNumberResult)
    .mutation(({ ctx, input }) => nextNumber({ ctx, input })),
});
