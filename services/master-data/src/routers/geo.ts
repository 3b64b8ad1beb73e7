import {
  DistrictsInput,
  listDistricts,
  listDivisions,
  listUpazilas,
  UpazilasInput,
} from "../domain/geo/verbs.ts";
import { router, tenantProcedure } from "../trpc.ts";

const read = tenantProcedure.meta({ permission: "master-data:geo:read" });

/** Bangladesh's administrative list (shipped data, the same for every tenant). */
export const geoRouter = router({
  divisions: read.query(() => listDivisions()),
  districts: read.input(DistrictsInput).query(({ input }) => listDistricts(input)),
  upazilas: read.input(UpazilasInput).query(({ input }) => listUpazilas(input)),
});
