import { definitionsRouter } from "./routers/definitions.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { flagsRouter, valueProcedures, valuesRouter } from "./routers/values.ts";
import { router } from "./trpc.ts";

export const configurationRouter = router({
  maintenance: maintenanceRouter,
  ...valueProcedures,
  definitions: definitionsRouter,
  values: valuesRouter,
  flags: flagsRouter,
});

export type ConfigurationRouter = typeof configurationRouter;
