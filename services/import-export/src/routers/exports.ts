import {
  CreateExportInput,
  createExport,
  getExport,
  ListExportsInput,
  listExports,
} from "../domain/exports.ts";
import { ById } from "../domain/imports.ts";
import { ExportPage, ExportResult, ExportWithLink } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `import-export:export:${action}` });

/** `exports.*`: a service's records into a CSV or XLSX file, written as a job into file storage. */
export const exportsRouter = router({
  create: can("create")
    .input(CreateExportInput)
    .output(ExportResult)
    .mutation(async ({ ctx, input }) => {
      const created = await createExport({ ctx, input });
      ctx.deps.poke();
      return created;
    }),
  get: can("read")
    .input(ById)
    .output(ExportWithLink)
    .query(({ ctx, input }) => getExport({ ctx, input })),
  list: can("read")
    .input(ListExportsInput)
    .output(ExportPage)
    .query(({ ctx, input }) => listExports({ ctx, input })),
});

export type ExportsRouter = typeof exportsRouter;
