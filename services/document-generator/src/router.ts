import { documentProcedures } from "./routers/documents.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { router } from "./trpc.ts";

/** The document generator's procedures; behind the gateway they are `documents.<name>`. */
export const documentGeneratorRouter = router({ ...documentProcedures, maintenance: maintenanceRouter });

export type DocumentGeneratorRouter = typeof documentGeneratorRouter;
