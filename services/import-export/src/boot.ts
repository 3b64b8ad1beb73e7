import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import { createWorker } from "./domain/worker.ts";
import type { ImportExportEnv } from "./env.ts";
import { authCredentials, noCredentials } from "./upstream/credentials.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/import-export", import.meta.url));

/** Migrates, connects, serves HTTP, relays its outbox and (unless IMPORT_WORKER=off) runs jobs. */
export async function bootImportExport(env: ImportExportEnv, shared: SharedResources = {}): Promise<Booted> {
  const rt = await openRuntime({ service: "import-export", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  if (!env.SERVICE_TOKEN_SECRET) {
    rt.log.warn("SERVICE_TOKEN_SECRET is not set: import and export jobs will fail");
  }
  const { app, deps } = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    services: { masterData: env.MASTER_DATA_URL, files: env.FILES_URL },
    credentials: env.SERVICE_TOKEN_SECRET
      ? authCredentials({
          authUrl: env.AUTH_URL,
          secret: env.SERVICE_TOKEN_SECRET,
          timeoutMs: env.UPSTREAM_TIMEOUT_MS,
        })
      : noCredentials,
    settings: {
      batchRows: env.IMPORT_BATCH_ROWS,
      leaseMs: env.IMPORT_LEASE_MS,
      maxRows: env.IMPORT_MAX_ROWS,
      tmpDir: env.TMP_DIR,
      replicaId: env.REPLICA_ID,
    },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    metrics: rt.metrics,
    checks: rt.checks,
  });
  const worker = createWorker(deps, env.IMPORT_POLL_MS);
  if (env.IMPORT_WORKER === "on") {
    deps.poke = () => worker.poke();
    worker.start();
  }
  return rt.serve(app, { outbox, parts: [{ name: "import-export jobs", stop: () => worker.stop() }] });
}
