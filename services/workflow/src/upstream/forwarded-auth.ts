import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";

/**
 * The caller's Authorization header for the request being served. Calls to organization and
 * rules-engine forward it, so the caller's own permissions apply there too.
 */
const store = new AsyncLocalStorage<string | undefined>();

/** Hono middleware: keeps the request's Authorization header for the procedures it runs. */
export const keepAuthorization: MiddlewareHandler = (c, next) =>
  store.run(c.req.header("authorization"), () => next());

export const forwardedAuthorization = (): string | undefined => store.getStore();
