import { AsyncLocalStorage } from "node:async_hooks";
import { clientAddress } from "@vextrus/platform";
import type { Context, Next } from "hono";
import type { ClientInfo } from "./domain/sessions.ts";

const current = new AsyncLocalStorage<ClientInfo>();

/**
 * Remembers who is calling for the duration of a request: the address the platform's server resolved
 * (the socket's peer, or X-Forwarded-For only when the peer is one of TRUSTED_PROXIES).
 */
export function clientInfoMiddleware() {
  return (c: Context, next: Next) => {
    const ip = clientAddress(c.env).slice(0, 100);
    return current.run({ ip, userAgent: c.req.header("user-agent")?.slice(0, 500) }, next);
  };
}

/** The caller of the request being served (routers pass it to verbs that limit or record by address). */
export const clientInfo = (): ClientInfo => current.getStore() ?? { ip: "unknown", userAgent: undefined };
