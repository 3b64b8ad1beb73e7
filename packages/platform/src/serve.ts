import {
  type Connection,
  resolveClientAddress,
  type TrustedProxies,
  trustNoProxy,
} from "./client-address.ts";
import type { Logger } from "./log.ts";

export interface Stoppable {
  name: string;
  stop(): Promise<unknown>;
}

/** An app's handler: the second argument is what `listen` learnt about the connection. */
type Handler = (request: Request, connection: Connection) => Response | Promise<Response>;

interface Fetcher {
  fetch: Handler;
  /** Paths Bun's own router hands to a handler before `fetch` sees them (a hot path). */
  bunRoutes?: Record<string, Handler>;
}

export interface ListenOptions {
  /** The interface to bind: loopback unless told otherwise (`0.0.0.0` or `::` for every interface). */
  hostname?: string;
  /** Peers whose X-Forwarded-For is believed (none by default: the socket's peer is the client). */
  trustedProxies?: TrustedProxies;
}

const ANY = new Set(["0.0.0.0", "::", ""]);

/** A URL other local processes can reach the server at. */
function localUrl(hostname: string, port: number | undefined): string {
  const host = ANY.has(hostname) ? "127.0.0.1" : hostname.includes(":") ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}

/** What an app learns about a request's connection (`listen` does this for every request). */
export function connectionOf(request: Request, server: PeerSource, trusted: TrustedProxies): Connection {
  const peer = server.requestIP(request)?.address;
  return { clientAddress: resolveClientAddress(peer, request.headers.get("x-forwarded-for"), trusted) };
}

/** Bun's server, as far as the client address goes. */
export interface PeerSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * Starts an HTTP server for an app; `stop()` refuses new connections and waits for in-flight requests.
 * Every request reaches the app with its client's address resolved once (`clientAddress(c.env)`).
 */
export function listen(
  app: Fetcher,
  port: number,
  name: string,
  options: ListenOptions = {},
): Stoppable & { url: string } {
  const hostname = options.hostname ?? "127.0.0.1";
  const trusted = options.trustedProxies ?? trustNoProxy;
  const withClient = (handler: Handler) => (request: Request, server: Bun.Server<undefined>) =>
    handler(request, connectionOf(request, server, trusted));
  const routes = app.bunRoutes
    ? Object.fromEntries(Object.entries(app.bunRoutes).map(([path, handler]) => [path, withClient(handler)]))
    : undefined;
  const server = Bun.serve({
    port,
    hostname,
    fetch: withClient(app.fetch),
    ...(routes ? { routes } : {}),
    idleTimeout: 30,
  });
  return { name: `${name} http`, url: localUrl(hostname, server.port), stop: () => server.stop(false) };
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
