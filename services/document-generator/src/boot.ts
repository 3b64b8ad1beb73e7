import { fileURLToPath } from "node:url";
import { type Booted, openRuntime, type SharedResources } from "@vextrus/events";
import { createApp } from "./app.ts";
import { outbox } from "./db/schema.ts";
import { createRenderPool } from "./engine/pool.ts";
import type { DocumentGeneratorEnv } from "./env.ts";

export type { Booted, SharedResources };

export const MIGRATIONS = fileURLToPath(new URL("../../../drizzle/document-generator", import.meta.url));

export interface BootOptions {
  /** The server's clock (tests move it). */
  now?: (() => Date) | undefined;
}

/** Migrates, starts the Typst workers, serves HTTP and relays its outbox (to the shared bus, or Kafka). */
export async function bootDocumentGenerator(
  env: DocumentGeneratorEnv,
  shared: SharedResources = {},
  options: BootOptions = {},
): Promise<Booted> {
  const rt = await openRuntime({ service: "document-generator", env, shared, migrations: MIGRATIONS });
  if (!rt.verifyToken) {
    rt.log.warn("no JWKS_URL or JWT_PUBLIC_KEY: every bearer token will be refused");
  }
  const renderer = createRenderPool({ size: env.RENDER_WORKERS, timeoutMs: env.RENDER_TIMEOUT_MS });
  const app = createApp({
    db: rt.db,
    log: rt.log,
    verifyToken: rt.verifyToken,
    renderer,
    rules: { url: env.RULES_URL },
    files: { url: env.FILES_URL },
    masterData: { url: env.MASTER_DATA_URL },
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    now: options.now,
    metrics: rt.metrics,
    checks: rt.checks,
  });
  return rt.serve(app, {
    outbox,
    parts: [{ name: "typst workers", stop: async () => renderer.close() }],
  });
}
