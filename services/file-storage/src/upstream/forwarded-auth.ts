import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";

/**
 * The caller's Authorization header for the request being served: asking a record's owner whether
 * the caller may read it is done with the caller's own token.
 */
const store = new AsyncLocalStorage<string | undefined>();

export const keepAuthorization: MiddlewareHandler = (c, next) =>
  store.run(c.req.header("authorization"), () => next());

export const forwardedAuthorization = (): string | undefined => store.getStore();
