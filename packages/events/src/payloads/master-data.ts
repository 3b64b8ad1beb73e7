import { Changed, Created, v1 } from "./common.ts";

/** Vendors, customers, items and projects: created / updated / archived with snapshots. */
const entity = <Entity extends string>(entity: Entity) =>
  ({
    [`vextrus.master_data.${entity}.created`]: v1(Created),
    [`vextrus.master_data.${entity}.updated`]: v1(Changed),
    [`vextrus.master_data.${entity}.archived`]: v1(Changed),
  }) as {
    [K in `vextrus.master_data.${Entity}.${"created" | "updated" | "archived"}`]: K extends `${string}.created`
      ? ReturnType<typeof v1<typeof Created>>
      : ReturnType<typeof v1<typeof Changed>>;
  };

export const masterDataVendorEvents = entity("vendor");
export const masterDataCustomerEvents = entity("customer");
export const masterDataItemEvents = entity("item");
export const masterDataProjectEvents = entity("project");
