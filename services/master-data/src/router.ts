import { geoRouter } from "./routers/geo.ts";
import { partiesRouter } from "./routers/parties.ts";
import { router } from "./trpc.ts";

export const masterDataRouter = router({
  parties: partiesRouter,
  geo: geoRouter,
});

export type MasterDataRouter = typeof masterDataRouter;
