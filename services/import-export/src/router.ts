import { exportsRouter } from "./routers/exports.ts";
import { importsRouter } from "./routers/imports.ts";
import { router } from "./trpc.ts";

/**
 * The import-export service's procedures. Behind the gateway they are two names, `imports.*` and
 * `exports.*` (routed to this service's `/imports` and `/exports` prefixes, see mountNamespaces in @vextrus/platform).
 */
export const importExportRouter = router({ imports: importsRouter, exports: exportsRouter });

export type ImportExportRouter = typeof importExportRouter;
export { type ExportsRouter, exportsRouter } from "./routers/exports.ts";
export { type ImportsRouter, importsRouter } from "./routers/imports.ts";
