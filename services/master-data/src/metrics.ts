import { Counter, type Registry } from "prom-client";

/** Business metrics of the master-data service, registered on the service's own registry. */
export function createMasterDataMetrics(registry: Registry) {
  const recordsCreated = new Counter({
    name: "vextrus_master_data_records_created_total",
    help: "Master records created by this process, by entity",
    labelNames: ["entity"] as const,
    registers: [registry],
  });
  const numbersIssued = new Counter({
    name: "vextrus_master_data_series_numbers_issued_total",
    help: "Document numbers issued by numbering series in this process",
    registers: [registry],
  });
  return { recordsCreated, numbersIssued };
}

export type MasterDataMetrics = ReturnType<typeof createMasterDataMetrics>;
