import { documentProcedures } from "./routers/documents.ts";
import { router } from "./trpc.ts";

/** The document generator's procedures; behind the gateway they are `documents.<name>`. */
export const documentGeneratorRouter = router(documentProcedures);

export type DocumentGeneratorRouter = typeof documentGeneratorRouter;
