import { z } from "zod";
import { Changed, Created, Snapshot, v1 } from "./common.ts";

export const organizationTenantEvents = {
  "vextrus.organization.tenant.created": v1(Created),
  "vextrus.organization.tenant.updated": v1(Changed),
  "vextrus.organization.tenant.suspended": v1(Changed),
  "vextrus.organization.tenant.activated": v1(Changed),
  /** A registration undone half-way: the (empty) tenant row is gone. */
  "vextrus.organization.tenant.discarded": v1(z.looseObject({ id: z.uuid(), before: Snapshot.optional() })),
} as const;

/** created / updated / archived for one entity of the organization structure. */
const structure = <Entity extends string>(entity: Entity) =>
  ({
    [`vextrus.organization.${entity}.created`]: v1(Created),
    [`vextrus.organization.${entity}.updated`]: v1(Changed),
    [`vextrus.organization.${entity}.archived`]: v1(Changed),
  }) as {
    [K in `vextrus.organization.${Entity}.${"created" | "updated" | "archived"}`]: K extends `${string}.created`
      ? ReturnType<typeof v1<typeof Created>>
      : ReturnType<typeof v1<typeof Changed>>;
  };

export const organizationCompanyEvents = structure("company");
export const organizationBranchEvents = structure("branch");
export const organizationDepartmentEvents = structure("department");
export const organizationDesignationEvents = structure("designation");
export const organizationMembershipEvents = structure("membership");
