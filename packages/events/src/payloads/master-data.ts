import { z } from "zod";
import { Changed, Created, Snapshot, v1 } from "./common.ts";

/** created / updated / archived / restored, with `before`/`after` snapshots, for one master record. */
const entity = <Entity extends string>(entity: Entity) =>
  ({
    [`vextrus.master_data.${entity}.created`]: v1(Created),
    [`vextrus.master_data.${entity}.updated`]: v1(Changed),
    [`vextrus.master_data.${entity}.archived`]: v1(Changed),
    [`vextrus.master_data.${entity}.restored`]: v1(Changed),
  }) as {
    [K in `vextrus.master_data.${Entity}.${"created" | "updated" | "archived" | "restored"}`]: K extends `${string}.created`
      ? ReturnType<typeof v1<typeof Created>>
      : ReturnType<typeof v1<typeof Changed>>;
  };

/**
 * Customers, suppliers, contractors, consultants and landowners (one party may hold several roles).
 * `party.merged`: `mergeId` was a duplicate of `keepId`; services holding `mergeId` re-point to `keepId`.
 */
export const masterDataPartyEvents = {
  ...entity("party"),
  "vextrus.master_data.party.merged": v1(
    z.looseObject({ id: z.uuid(), keepId: z.uuid(), mergeId: z.uuid(), keep: Snapshot, merged: Snapshot }),
  ),
};
export const masterDataUnitEvents = entity("unit");
/** Items and their group tree. */
export const masterDataItemEvents = { ...entity("item"), ...entity("item_group") };
export const masterDataProjectEvents = entity("project");
/**
 * Numbering series: their definitions, and each number issued (`series.issued`), so the audit log
 * shows every document number given out.
 */
export const masterDataSeriesEvents = {
  ...entity("series"),
  "vextrus.master_data.series.issued": v1(
    z.looseObject({
      id: z.uuid(),
      key: z.string(),
      companyId: z.uuid(),
      period: z.string(),
      value: z.number().int().positive(),
      number: z.string(),
    }),
  ),
};
/** Real-estate inventory: a flat's details and status (available → booked → sold). */
export const masterDataFlatEvents = {
  "vextrus.master_data.flat.created": v1(Created),
  "vextrus.master_data.flat.updated": v1(Changed),
};
/** A company's chart of accounts and its cost centres. */
export const masterDataAccountEvents = { ...entity("account"), ...entity("cost_centre") };
