import {
  archiveCostCentre,
  CreateCostCentreInput,
  createCostCentre,
  getCostCentre,
  ListCostCentresInput,
  listCostCentres,
  restoreCostCentre,
  UpdateCostCentreInput,
  updateCostCentre,
} from "../domain/cost-centres/verbs.ts";
import { CostCentreResult } from "../domain/results.ts";
import { router } from "../trpc.ts";
import { recordProcedures } from "./records.ts";

export const costCentresRouter = router(
  recordProcedures(
    "cost_centre",
    {
      create: CreateCostCentreInput,
      update: UpdateCostCentreInput,
      list: ListCostCentresInput,
      row: CostCentreResult,
    },
    {
      create: createCostCentre,
      get: getCostCentre,
      list: listCostCentres,
      update: updateCostCentre,
      archive: archiveCostCentre,
      restore: restoreCostCentre,
    },
  ),
);
