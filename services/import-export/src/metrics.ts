import { Counter, type Registry } from "prom-client";

/** Business metrics of the import-export service (no tenant labels). */
export function createImportExportMetrics(registry: Registry) {
  return {
    rowsStaged: new Counter({
      name: "vextrus_import_export_rows_staged_total",
      help: "Spreadsheet rows read and staged by this process",
      registers: [registry],
    }),
    rowsPreviewed: new Counter({
      name: "vextrus_import_export_rows_previewed_total",
      help: "Staged rows checked by the owning service, by what they would do",
      labelNames: ["action"] as const,
      registers: [registry],
    }),
    rowsApplied: new Counter({
      name: "vextrus_import_export_rows_applied_total",
      help: "Staged rows applied by the owning service, by outcome",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    rowsExported: new Counter({
      name: "vextrus_import_export_rows_exported_total",
      help: "Records written to export files by this process",
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: "vextrus_import_export_jobs_finished_total",
      help: "Import phases and exports finished, by kind and outcome",
      labelNames: ["kind", "outcome"] as const,
      registers: [registry],
    }),
  };
}

export type ImportExportMetrics = ReturnType<typeof createImportExportMetrics>;
