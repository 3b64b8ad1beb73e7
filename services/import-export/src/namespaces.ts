import { namespaceOpenApi, type OpenApiDocument } from "@vextrus/platform";
import type { Env, Hono } from "hono";

/** The two names callers use for this service at the gateway. */
export const NAMESPACES = ["imports", "exports"] as const;

/**
 * The gateway routes a name to a base URL and strips the name (`imports.create` → `<url>/trpc/create`).
 * This service answers two names, so each has a base URL of its own, `<service>/imports` and
 * `<service>/exports`: a call there is the same call on the service's one router, the name put back
 * (`/imports/trpc/create,get` → `/trpc/imports.create,imports.get`); `/imports/health/ready` is the
 * service's own readiness. The same for plain JSON (`/imports/api/create` → `/api/imports.create`) and
 * the OpenAPI document (`/imports/openapi.json`: the `imports.*` part, named as the gateway names it).
 */
export function mountNamespaces<E extends Env>(app: Hono<E>) {
  for (const ns of NAMESPACES) {
    app.all(`/${ns}/*`, async (c) => {
      const url = new URL(c.req.url);
      const rest = url.pathname.slice(ns.length + 1);
      if (rest.startsWith("/trpc/")) {
        const paths = rest.slice("/trpc/".length).split(",");
        url.pathname = `/trpc/${paths.map((p) => `${ns}.${p}`).join(",")}`;
      } else if (rest.startsWith("/health")) {
        url.pathname = rest;
      } else if (rest.startsWith("/api/")) {
        url.pathname = `/api/${ns}.${rest.slice("/api/".length).replaceAll("/", ".")}`;
      } else if (rest === "/openapi.json") {
        url.pathname = "/openapi.json";
        const whole = await app.fetch(new Request(url, c.req.raw), c.env);
        return c.json(namespaceOpenApi((await whole.json()) as OpenApiDocument, ns));
      } else {
        return c.json({ error: { code: "NOT_FOUND", message: "No such route" } }, 404);
      }
      return app.fetch(new Request(url, c.req.raw), c.env);
    });
  }
}
