import { readEnvOrExit, ServiceEnv } from "@vextrus/platform";
import { z } from "zod";

const HttpUrl = z.url({ protocol: /^https?$/ });
const MB = 1024 * 1024;

export const FileStorageEnv = ServiceEnv.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3008),
  /** S3 API endpoint (AWS, MinIO, Ceph, Wasabi, S3Proxy); unset = the folder under DATA_DIR/files. */
  S3_ENDPOINT: HttpUrl.optional().describe("S3-compatible endpoint; unset stores under DATA_DIR/files"),
  S3_PUBLIC_ENDPOINT: HttpUrl.optional().describe("the S3 endpoint as callers reach it (presigned URLs)"),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name")
    .default("vextrus-files"),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Where callers reach this service's own object routes (folder storage's presigned URLs). */
  FILES_PUBLIC_URL: HttpUrl.optional().describe("base URL of this service for folder-store links"),
  /** Seals folder-store links; a random one per process when unset (links die with the process). */
  FILES_LINK_SECRET: z.string().min(32).optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(600),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(3_600).default(120),
  /** Defaults: a tenant's own `files.maxFileBytes` / `files.tenantQuotaBytes` (configuration) win. */
  MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(200 * MB),
  TENANT_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * MB),
  /** Uploads never completed and files detached from everything are collected after this. */
  COLLECT_GRACE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24),
  /** Services that own the records files attach to (their `<entity>.get` decides who may see a file). */
  ORGANIZATION_URL: HttpUrl.default("http://127.0.0.1:3002"),
  WORKFLOW_URL: HttpUrl.default("http://127.0.0.1:3004"),
  MASTER_DATA_URL: HttpUrl.default("http://127.0.0.1:3003"),
  DOCUMENTS_URL: HttpUrl.default("http://127.0.0.1:3009"),
  /**
   * Where tenants' own `files.tenantQuotaBytes` and `files.maxFileBytes` are read (`npm start` and
   * compose set it); unset, MAX_FILE_BYTES and TENANT_QUOTA_BYTES apply to every tenant.
   */
  CONFIGURATION_URL: HttpUrl.optional().describe(
    "configuration service (per-tenant quota and largest file); unset = the env limits for all",
  ),
}).superRefine((env, ctx) => {
  if (env.S3_ENDPOINT && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({
      code: "custom",
      path: ["S3_ACCESS_KEY_ID"],
      message: "S3_ENDPOINT needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY",
    });
  }
});

export type FileStorageEnv = z.infer<typeof FileStorageEnv>;

/** The only place the service reads process.env. */
export const loadEnv = (): FileStorageEnv => readEnvOrExit(FileStorageEnv, process.env);
