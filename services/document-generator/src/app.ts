import {
  createMetrics,
  createService,
  createServiceClient,
  type Fetch,
  type Logger,
  type Metrics,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import pkg from "../package.json" with { type: "json" };
import type { DocumentDeps } from "./deps.ts";
import type { RenderPool } from "./engine/pool.ts";
import { createDocumentMetrics } from "./metrics.ts";
import { documentGeneratorRouter } from "./router.ts";
import { filesClient } from "./upstream/files.ts";
import { numberingClient } from "./upstream/numbers.ts";
import { taxClient } from "./upstream/rules.ts";

export interface Upstream {
  url: string;
  /** An in-process app's fetch (tests, embedded start); the global fetch otherwise. */
  fetch?: Fetch | undefined;
}

export interface AppOptions {
  db: Database;
  log: Logger;
  verifyToken: TokenVerifier | undefined;
  /** Typst workers (boot owns them and closes them on shutdown). */
  renderer: RenderPool;
  rules: Upstream;
  files: Upstream;
  masterData: Upstream;
  upstreamTimeoutMs?: number;
  /** The server's clock (the time printed on documents); tests move it. */
  now?: () => Date;
  metrics?: Metrics;
  checks?: Record<string, () => Promise<unknown>>;
}

/** The document generator's HTTP app. No side effects: tests build it with real dependencies. */
export function createApp(options: AppOptions) {
  const metrics = options.metrics ?? createMetrics("document-generator");
  const timeoutMs = options.upstreamTimeoutMs ?? 5_000;
  const deps: DocumentDeps = {
    db: options.db,
    renderer: options.renderer,
    taxes: taxClient(createServiceClient({ service: "rules-engine", ...options.rules, timeoutMs })),
    files: filesClient({
      client: createServiceClient({ service: "file-storage", ...options.files, timeoutMs }),
      url: options.files.url,
      fetch: options.files.fetch,
      timeoutMs,
    }),
    numbers: numberingClient(
      createServiceClient({ service: "master-data", ...options.masterData, timeoutMs }),
    ),
    metrics: createDocumentMetrics(metrics.registry, () => options.renderer),
    now: options.now ?? (() => new Date()),
  };
  return createService({
    name: "document-generator",
    version: pkg.version,
    router: documentGeneratorRouter,
    deps,
    log: options.log,
    metrics,
    verifyToken: options.verifyToken,
    checks: { postgres: () => options.db.ping(), ...options.checks },
  });
}
