import { z } from "zod";
import { DIVISIONS, districtsOf, upazilasOf } from "./index.ts";

export const DistrictsInput = z.object({ divisionId: z.number().int().min(1).max(99) });
export const UpazilasInput = z.object({ districtId: z.number().int().min(1).max(999) });

/** The administrative list, for pickers: divisions, then a division's districts, a district's upazilas. */
export const listDivisions = () => DIVISIONS;
export const listDistricts = (input: z.infer<typeof DistrictsInput>) => districtsOf(input.divisionId);
export const listUpazilas = (input: z.infer<typeof UpazilasInput>) => upazilasOf(input.districtId);
