import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConfigReader } from "@vextrus/config/reader";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import type { FileStorageEnv } from "./env.ts";
import { folderStore } from "./storage/folder.ts";
import { s3Store } from "./storage/s3.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/file-storage", import.meta.url));

/** S3 when S3_ENDPOINT is set, else the folder DATA_DIR/files (links served by this service). */
export function storeFromEnv(env: FileStorageEnv) {
  if (env.S3_ENDPOINT && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return s3Store({
      endpoint: env.S3_ENDPOINT,
      publicEndpoint: env.S3_PUBLIC_ENDPOINT,
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    });
  }
  return folderStore({
    dir: join(env.DATA_DIR, "files"),
    publicUrl: env.FILES_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`,
    secret: env.FILES_LINK_SECRET ?? randomBytes(32).toString("hex"),
    maxBytes: env.MAX_FILE_BYTES,
  });
}

/** Migrates, prepares the store, serves HTTP and relays its outbox (to the shared bus, or Kafka). */
export async function bootFileStorage(env: FileStorageEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "file-storage", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const store = storeFromEnv(env);
  await store.prepare();
  // Tenants' own quota and largest file; the env values apply while a tenant has none set (and to
  // every tenant without CONFIGURATION_URL).
  const config = env.CONFIGURATION_URL
    ? createConfigReader({
        service: "file-storage",
        url: env.CONFIGURATION_URL,
        log: rt.log,
        transport: rt.transport,
        timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        replicaId: env.REPLICA_ID,
      })
    : undefined;
  await config?.start();
  if (!config) {
    rt.log.warn("no CONFIGURATION_URL: MAX_FILE_BYTES and TENANT_QUOTA_BYTES apply to every tenant");
  }
  const app = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    metrics: rt.metrics,
    checks: rt.checks,
    store,
    recordServices: {
      organization: env.ORGANIZATION_URL,
      workflow: env.WORKFLOW_URL,
      masterData: env.MASTER_DATA_URL,
      documents: env.DOCUMENTS_URL,
    },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    config,
    limits: {
      maxFileBytes: env.MAX_FILE_BYTES,
      tenantQuotaBytes: env.TENANT_QUOTA_BYTES,
      uploadTtlSeconds: env.UPLOAD_URL_TTL_SECONDS,
      downloadTtlSeconds: env.DOWNLOAD_URL_TTL_SECONDS,
      graceMs: env.COLLECT_GRACE_HOURS * 3_600_000,
    },
  });
  rt.log.info("storage", { kind: store.kind, ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}) });
  return rt.serve(app, {
    outbox,
    parts: config ? [{ name: "config reader", stop: () => config.stop() }] : [],
  });
}
