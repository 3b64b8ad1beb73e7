import { evaluationProcedures } from "./routers/evaluations.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { packsRouter } from "./routers/packs.ts";
import { ruleSetsRouter } from "./routers/rule-sets.ts";
import { rulesRouter } from "./routers/rules.ts";
import { router } from "./trpc.ts";

/** The rules engine's procedures; behind the gateway they are `rules.<name>` (e.g. `rules.evaluate`). */
export const rulesEngineRouter = router({
  maintenance: maintenanceRouter,
  ...evaluationProcedures,
  ruleSets: ruleSetsRouter,
  rules: rulesRouter,
  packs: packsRouter,
});

export type RulesRouter = typeof rulesEngineRouter;
