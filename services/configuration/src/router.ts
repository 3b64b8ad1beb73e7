import { definitionsRouter } from "./routers/definitions.ts";
import { flagsRouter, valueProcedures, valuesRouter } from "./routers/values.ts";
import { router } from "./trpc.ts";

export const configurationRouter = router({
  ...valueProcedures,
  definitions: definitionsRouter,
  values: valuesRouter,
  flags: flagsRouter,
});

export type ConfigurationRouter = typeof configurationRouter;
