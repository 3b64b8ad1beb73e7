import {
  DistrictsInput,
  listDistricts,
  listDivisions,
  listUpazilas,
  UpazilasInput,
} from "../domain/geo/verbs.ts";
import { Districts, Divisions, Upazilas } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

const read = tenantProcedure.meta({ permission: "master-data:geo:read" });

/** Bangladesh's administrative list (shipped data, the same for every tenant). */
export const geoRouter = router({
  divisions: read.output(Divisions).query(() => listDivisions()),
  districts: read
    .input(DistrictsInput)
    .output(Districts)
    .query(({ input }) => listDistricts(input)),
  upazilas: read
    .input(UpazilasInput)
    .output(Upazilas)
    .query(({ input }) => listUpazilas(input)),
});
