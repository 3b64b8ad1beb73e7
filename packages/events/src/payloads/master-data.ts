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
export const masterDataItemEvents = entity("item");
export const masterDataProjectEvents = entity("project");
