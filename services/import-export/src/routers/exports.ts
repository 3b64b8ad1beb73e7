import {
  CreateExportInput,
  createExport,
  getExport,
  ListExportsInput,
  listExports,
} from "../domain/exports.ts";
import { ById } from "../domain/imports.ts";
import { router, tenantProcedure } from "../trpc.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `import-export:export:${action}` });

/** `exports.*`: a service's records into a CSV or XLSX file, written as a job into file storage. */
export const exportsRouter = router({
  create: can("create")
    .input(CreateExportInput)
    .mutation(async ({ ctx, input }) => {
      const created = await createExport({ ctx, input });
      ctx.deps.poke();
      return created;
    }),
  get: can("read")
    .input(ById)
    .query(({ ctx, input }) => getExport({ ctx, input })),
  list: can("read")
    .input(ListExportsInput)
    .query(({ ctx, input }) => listExports({ ctx, input })),
});

export type ExportsRouter = typeof exportsRouter;
