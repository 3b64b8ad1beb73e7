import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const ImportExportEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3012),
  /** What is imported and exported: master-data's records. */
  MASTER_DATA_URL: HttpUrl.default("http://127.0.0.1:3003"),
  /** Where spreadsheets are read from and written to. */
  FILES_URL: HttpUrl.default("http://127.0.0.1:3008"),
  /** Issues the tenant-scoped token a job resumed after a restart calls the services with. */
  AUTH_URL: HttpUrl.default("http://127.0.0.1:3001"),
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe("shared with auth: lets import and export jobs act for their creator; unset: jobs fail"),
  UPSTREAM_TIMEOUT_MS: int(100, 300_000, 30_000),
  IMPORT_WORKER: z.enum(["on", "off"]).default("on").describe("whether this replica runs import/export jobs"),
  IMPORT_POLL_MS: int(10, 60_000, 500),
  /** Rows sent to the owning service per call (preview and apply). */
  IMPORT_BATCH_ROWS: int(1, 1_000, 500),
  /** A job whose replica stopped renewing this long ago is taken over by another (or by it, restarted). */
  IMPORT_LEASE_MS: int(500, 600_000, 30_000),
  /** Largest spreadsheet accepted, and most rows in one. */
  IMPORT_MAX_ROWS: int(1, 10_000_000, 1_000_000),
  /** Where exports are written before they are uploaded (never held in memory whole). */
  TMP_DIR: z.string().min(1).optional(),
});

export type ImportExportEnv = z.infer<typeof ImportExportEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): ImportExportEnv => readEnvOrExit(ImportExportEnv, process.env);
