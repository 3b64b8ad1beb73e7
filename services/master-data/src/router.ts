import { accountsRouter } from "./routers/accounts.ts";
import { costCentresRouter } from "./routers/cost-centres.ts";
import { geoRouter } from "./routers/geo.ts";
import { itemGroupsRouter, itemsRouter } from "./routers/items.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { partiesRouter } from "./routers/parties.ts";
import { flatsRouter, projectsRouter } from "./routers/projects.ts";
import { seriesRouter } from "./routers/series.ts";
import { unitsRouter } from "./routers/units.ts";
import { router } from "./trpc.ts";

export const masterDataRouter = router({
  maintenance: maintenanceRouter,
  parties: partiesRouter,
  units: unitsRouter,
  itemGroups: itemGroupsRouter,
  items: itemsRouter,
  accounts: accountsRouter,
  costCentres: costCentresRouter,
  projects: projectsRouter,
  flats: flatsRouter,
  series: seriesRouter,
  geo: geoRouter,
});

export type MasterDataRouter = typeof masterDataRouter;
