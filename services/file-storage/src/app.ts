import type { ConfigReader } from "@vextrus/config/reader";
import {
  createMetrics,
  createService,
  createServiceClient,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import { contentRoute, generatedRoute } from "./content-route.ts";
import type { FileDeps, Limits } from "./deps.ts";
import { createFileMetrics } from "./metrics.ts";
import { fileStorageRouter } from "./router.ts";
import type { ObjectStore } from "./storage/types.ts";
import { type Entity, recordAccess } from "./upstream/records.ts";

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 200 * MB,
  tenantQuotaBytes: 10 * 1024 * MB,
  uploadTtlSeconds: 600,
  downloadTtlSeconds: 120,
  graceMs: 24 * 3_600_000,
  multipartThreshold: 16 * MB,
  partBytes: 8 * MB,
};

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Where the bytes live (S3 or the folder store, which also serves its links from this app). */
  store: ObjectStore;
  /** The services owning the records files attach to. */
  recordServices: Readonly<Record<Entity["service"], string>>;
  limits?: Partial<Limits>;
  /** The configuration reader for tenants' own quota and file-size limit (boot starts it). */
  config?: ConfigReader | undefined;
  upstreamTimeoutMs?: number;
  /** How long a record owner's yes or no is reused. */
  accessCacheMs?: number;
  /** The server's clock (tests move it). */
  now?: () => Date;
  metrics?: Metrics;
  checks?: Record<string, () => Promise<unknown>>;
}

/** The file-storage service's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("file-storage");
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.upstreamTimeoutMs ?? 5_000;
  const deps: FileDeps = {
    db: options.db,
    store: options.store,
    metrics: createFileMetrics(metrics.registry, options.db),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    config: options.config,
    now,
    records: recordAccess({
      clients: {
        organization: createServiceClient({
          service: "organization",
          url: options.recordServices.organization,
          timeoutMs,
        }),
        workflow: createServiceClient({
          service: "workflow",
          url: options.recordServices.workflow,
          timeoutMs,
        }),
        masterData: createServiceClient({
          service: "master-data",
          url: options.recordServices.masterData,
          timeoutMs,
        }),
        documents: createServiceClient({
          service: "document-generator",
          url: options.recordServices.documents,
          timeoutMs,
        }),
      },
      cacheMs: options.accessCacheMs ?? 30_000,
      now,
    }),
  };
  return createService({
    name: "file-storage",
    version: pkg.version,
    router: fileStorageRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), storage: () => options.store.check(), ...options.checks },
    routes: (app) => {
      const { store } = options;
      if (store.serveLink) {
        const serve = store.serveLink.bind(store);
        app.on(["GET", "PUT"], "/objects/:token", (c) => serve(c.req.param("token"), c.req.raw));
      }
      app.put("/files/:fileId/content", contentRoute(deps, options.verifyToken, options.log));
      app.post("/files/generated", generatedRoute(deps, options.verifyToken, options.log));
    },
  });
}
