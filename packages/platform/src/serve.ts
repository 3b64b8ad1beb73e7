import type { Logger } from "./log.ts";

export interface Stoppable {
  name: string;
  stop(): Promise<unknown>;
}

type Handler = (request: Request, server: Bun.Server<undefined>) => Response | Promise<Response>;

interface Fetcher {
  fetch: Handler;
  /** Paths Bun's own router hands to a handler before `fetch` sees them (a hot path). */
  bunRoutes?: Record<string, Handler>;
}

/** Starts an HTTP server for an app; `stop()` refuses new connections and waits for in-flight requests. */
export function listen(app: Fetcher, port: number, name: string): Stoppable & { url: string } {
  const server = Bun.serve({
    port,
    hostname: "0.0.0.0",
    fetch: app.fetch,
    ...(app.bunRoutes ? { routes: app.bunRoutes } : {}),
    idleTimeout: 30,
  });
  return { name: `${name} http`, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(false) };
}

/**
 * On SIGTERM or SIGINT, stops each part in order (servers first, then consumers, then databases)
 * within `timeoutMs`, then exits: 0 when everything closed in time, 1 otherwise.
 */
export function stopOnSignal(parts: readonly Stoppable[], log: Logger, timeoutMs: number): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info("shutting down", { signal, timeoutMs });
    const deadline = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs));
    const work = (async () => {
      for (const part of parts) {
        try {
          await part.stop();
        } catch (error) {
          log.warn("stop failed", {
            part: part.name,
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return "done" as const;
    })();
    const outcome = await Promise.race([work, deadline]);
    log.info("stopped", { outcome });
    process.exit(outcome === "done" ? 0 : 1);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
