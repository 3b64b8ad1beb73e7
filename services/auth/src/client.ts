import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, Next } from "hono";
import type { ClientInfo } from "./domain/sessions.ts";

const current = new AsyncLocalStorage<ClientInfo>();

interface BunServerLike {
  requestIP?(request: Request): { address: string } | null;
}

function connectionAddress(c: Context): string | undefined {
  const server = c.env as BunServerLike | undefined;
  try {
    return server?.requestIP?.(c.req.raw)?.address;
  } catch {
    return undefined;
  }
}

/**
 * Remembers who is calling for the duration of a request: the first hop of x-forwarded-for when the
 * service sits behind the gateway (`trustForwardedFor`), else the TCP peer.
 */
export function clientInfoMiddleware(trustForwardedFor: boolean) {
  return (c: Context, next: Next) => {
    const forwarded = trustForwardedFor ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() : undefined;
    const ip = (forwarded || connectionAddress(c) || "unknown").slice(0, 100);
    return current.run({ ip, userAgent: c.req.header("user-agent")?.slice(0, 500) }, next);
  };
}

/** The caller of the request being served (routers pass it to verbs that limit or record by address). */
export const clientInfo = (): ClientInfo => current.getStore() ?? { ip: "unknown", userAgent: undefined };
