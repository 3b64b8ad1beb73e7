import { batchesRouter } from "./routers/batches.ts";
import { documentProcedures } from "./routers/documents.ts";
import { letterheadRouter } from "./routers/letterhead.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { textsRouter } from "./routers/texts.ts";
import { router } from "./trpc.ts";

/** The document generator's procedures; behind the gateway they are `documents.<name>`. */
export const documentGeneratorRouter = router({
  ...documentProcedures,
  batches: batchesRouter,
  letterhead: letterheadRouter,
  maintenance: maintenanceRouter,
  texts: textsRouter,
});

export type DocumentGeneratorRouter = typeof documentGeneratorRouter;
