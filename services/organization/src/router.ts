import { branchesRouter } from "./routers/branches.ts";
import { chainRouter } from "./routers/chain.ts";
import { companiesRouter } from "./routers/companies.ts";
import { departmentsRouter } from "./routers/departments.ts";
import { designationsRouter } from "./routers/designations.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { membershipsRouter } from "./routers/memberships.ts";
import { tenantsRouter } from "./routers/tenants.ts";
import { router } from "./trpc.ts";

export const organizationRouter = router({
  maintenance: maintenanceRouter,
  tenants: tenantsRouter,
  companies: companiesRouter,
  branches: branchesRouter,
  departments: departmentsRouter,
  designations: designationsRouter,
  memberships: membershipsRouter,
  chain: chainRouter,
});

export type OrganizationRouter = typeof organizationRouter;
