import type { Logger, TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { ImportExportMetrics } from "./metrics.ts";
import type { Credentials } from "./upstream/credentials.ts";
import type { FilesApi } from "./upstream/files.ts";
import type { MasterDataApi } from "./upstream/master-data.ts";

export interface Settings {
  /** Rows per call to the owning service. */
  batchRows: number;
  /** How long a job's claim lasts without renewal. */
  leaseMs: number;
  maxRows: number;
  /** Where files are written before upload. */
  tmpDir: string | undefined;
  /** This replica, as leases name it. */
  replicaId: string;
}

export interface ImportExportDeps {
  db: Database;
  metrics: ImportExportMetrics;
  /** The server's clock: "now" never comes from a caller. */
  now: () => Date;
  masterData: MasterDataApi;
  files: FilesApi;
  /** Tokens for jobs acting for their creator (no request to borrow one from). */
  credentials: Credentials;
  settings: Settings;
  log: Logger;
  /** Set when the replica shuts down: running jobs stop after their batch and release their lease. */
  stopping: { value: boolean };
  /** Tells the job loop there is work now (a job was just queued). */
  poke: () => void;
}

/** What every domain verb of this service receives. */
export type IeContext = TenantContext<ImportExportDeps>;
