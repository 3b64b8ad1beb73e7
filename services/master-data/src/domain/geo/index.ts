import data from "./bangladesh.json" with { type: "json" };

/** One administrative unit: its id in the shipped data set, English and Bengali names. */
export interface Place {
  id: number;
  name: string;
  nameBn: string;
}
export interface District extends Place {
  divisionId: number;
}
export interface Upazila extends Place {
  districtId: number;
}

/** Bangladesh's 8 divisions, 64 districts and 494 upazilas (source and licence: the service README). */
export const DIVISIONS: readonly Place[] = data.divisions.map(([id, name, nameBn]) => ({
  id: Number(id),
  name: String(name),
  nameBn: String(nameBn),
}));
export const DISTRICTS: readonly District[] = data.districts.map(([id, divisionId, name, nameBn]) => ({
  id: Number(id),
  divisionId: Number(divisionId),
  name: String(name),
  nameBn: String(nameBn),
}));
export const UPAZILAS: readonly Upazila[] = data.upazilas.map(([id, districtId, name, nameBn]) => ({
  id: Number(id),
  districtId: Number(districtId),
  name: String(name),
  nameBn: String(nameBn),
}));

const divisionById = new Map(DIVISIONS.map((d) => [d.id, d]));
const districtById = new Map(DISTRICTS.map((d) => [d.id, d]));
const upazilaById = new Map(UPAZILAS.map((u) => [u.id, u]));

export const division = (id: number) => divisionById.get(id);
export const district = (id: number) => districtById.get(id);
export const upazila = (id: number) => upazilaById.get(id);

export const districtsOf = (divisionId: number) => DISTRICTS.filter((d) => d.divisionId === divisionId);
export const upazilasOf = (districtId: number) => UPAZILAS.filter((u) => u.districtId === districtId);
