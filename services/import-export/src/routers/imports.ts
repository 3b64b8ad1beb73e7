import { ErrorsInput, importErrors } from "../domain/errors-file.ts";
import {
  applyImport,
  ById,
  CreateImportInput,
  createImport,
  getImport,
  importTemplate,
  ListImportsInput,
  ListRowsInput,
  listImports,
  listRows,
  rollbackImport,
  TemplateInput,
  Versioned,
} from "../domain/imports.ts";
import { ErrorsFile, ImportPage, ImportResult, ImportRowsPage, ImportTemplate } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { maintenanceRouter } from "./maintenance.ts";

const can = (action: string) => tenantProcedure.meta({ permission: `import-export:import:${action}` });

/** `imports.*`: spreadsheets into a service, staged, previewed, applied as a job, reversible. */
export const importsRouter = router({
  /** The service's housekeeping (here, as the service's first name at the gateway). */
  maintenance: maintenanceRouter,
  template: can("read")
    .input(TemplateInput)
    .output(ImportTemplate)
    .query(({ ctx, input }) => importTemplate({ ctx, input })),
  create: can("create")
    .input(CreateImportInput)
    .output(ImportResult)
    .mutation(async ({ ctx, input }) => {
      const created = await createImport({ ctx, input });
      ctx.deps.poke();
      return created;
    }),
  get: can("read")
    .input(ById)
    .output(ImportResult)
    .query(({ ctx, input }) => getImport({ ctx, input })),
  list: can("read")
    .input(ListImportsInput)
    .output(ImportPage)
    .query(({ ctx, input }) => listImports({ ctx, input })),
  rows: can("read")
    .input(ListRowsInput)
    .output(ImportRowsPage)
    .query(({ ctx, input }) => listRows({ ctx, input })),
  /** Applies a previewed import as a job (tRPC reserves the name `apply`). */
  commit: can("apply")
    .input(Versioned)
    .output(ImportResult)
    .mutation(async ({ ctx, input }) => {
      const queued = await applyImport({ ctx, input });
      ctx.deps.poke();
      return queued;
    }),
  rollback: can("rollback")
    .input(Versioned)
    .output(ImportResult)
    .mutation(async ({ ctx, input }) => {
      const queued = await rollbackImport({ ctx, input });
      ctx.deps.poke();
      return queued;
    }),
  /** A file of the failed rows with an error column (kept in file storage; a download link). */
  errors: can("read")
    .input(ErrorsInput)
    .output(ErrorsFile)
    .mutation(({ ctx, input }) => importErrors({ ctx, input })),
});

export type ImportsRouter = typeof importsRouter;
