import {
  createMetrics,
  createService,
  createServiceClient,
  type Fetch,
  type Logger,
  type Metrics,
  mountNamespaces,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { ImportExportDeps, Settings } from "./deps.ts";
import { createImportExportMetrics } from "./metrics.ts";
import { importExportRouter } from "./router.ts";
import type { Credentials } from "./upstream/credentials.ts";
import { filesApi } from "./upstream/files.ts";
import { masterDataApi } from "./upstream/master-data.ts";

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Base URLs of the services this one calls. */
  services: { masterData: string; files: string };
  credentials: Credentials;
  settings: Settings;
  upstreamTimeoutMs?: number;
  /** In-process apps' fetch (tests); the network otherwise. */
  fetch?: Fetch;
  metrics?: Metrics;
  checks?: Record<string, () => Promise<unknown>>;
  now?: () => Date;
}

/** The import-export service's HTTP app and the dependencies its job loop shares. No side effects. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("import-export");
  const timeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const client = (service: string, url: string) =>
    createServiceClient({ service, url, timeoutMs, fetch: options.fetch });
  const deps: ImportExportDeps = {
    db: options.db,
    metrics: createImportExportMetrics(metrics.registry),
    now: options.now ?? (() => new Date()),
    masterData: masterDataApi(client("master-data", options.services.masterData)),
    files: filesApi(client("file-storage", options.services.files)),
    credentials: options.credentials,
    settings: options.settings,
    log: options.log,
    stopping: { value: false },
    poke: () => {},
  };
  const app = createService({
    name: "import-export",
    version: pkg.version,
    router: importExportRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
    routes: (hono) => mountNamespaces(hono, { names: ["imports", "exports"] }),
  });
  return { app, deps };
}
