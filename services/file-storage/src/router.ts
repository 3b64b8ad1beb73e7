import { fileProcedures } from "./routers/files.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { router } from "./trpc.ts";

/** The file-storage service's procedures; behind the gateway they are `files.<name>`. */
export const fileStorageRouter = router({ ...fileProcedures, maintenance: maintenanceRouter });

export type FileStorageRouter = typeof fileStorageRouter;
