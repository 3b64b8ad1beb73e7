import type { ConfigReader } from "@vextrus/config/reader";
import type { TenantContext } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { FileMetrics } from "./metrics.ts";
import type { ObjectStore } from "./storage/types.ts";
import type { RecordAccess } from "./upstream/records.ts";

export interface Limits {
  /** Defaults: a tenant's own `files.maxFileBytes` / `files.tenantQuotaBytes` (configuration) win. */
  maxFileBytes: number;
  tenantQuotaBytes: number;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  /** Uploads never completed and unattached files are collected this long after. */
  graceMs: number;
  /** Files larger than this are uploaded in parts of `partBytes`. */
  multipartThreshold: number;
  partBytes: number;
}

export interface FileDeps {
  db: Database;
  store: ObjectStore;
  /** Asks the service owning a record whether the caller may read it. */
  records: RecordAccess;
  metrics: FileMetrics;
  limits: Limits;
  /** Per-tenant settings (quota, largest file); without one, `limits` applies to every tenant. */
  config: ConfigReader | undefined;
  /** The server's clock; tests move it. */
  now: () => Date;
}

/** What every domain verb of this service receives (its token and trace go along to record owners). */
export type FileContext = TenantContext<FileDeps>;
