import type { Env, Hono } from "hono";
import { namespaceOpenApi, type OpenApiDocument, withoutNamespaces } from "./openapi.ts";

/** The names a service answers at the gateway besides (or instead of) one name for its whole router. */
export interface Namespaces {
  /** Names that are a top-level key of the service's router (`imports` → its `imports.*` procedures). */
  names: readonly string[];
  /** A name for every other procedure of the router (`notification` → all but the `names`' ones). */
  rest?: string;
}

const notFound = () =>
  Response.json({ error: { code: "NOT_FOUND", message: "No such route" } }, { status: 404 });

/**
 * The gateway routes a name to a base URL and strips the name (`imports.create` → `<url>/trpc/create`).
 * A service answering several names gives each a base URL of its own, `<service>/<name>`: a call there
 * is the same call on the service's one router, the name put back (`/imports/trpc/create,get` →
 * `/trpc/imports.create,imports.get`); `/imports/health/ready` is the service's own readiness. The
 * same for plain JSON (`/imports/api/create` → `/api/imports.create`) and the OpenAPI document
 * (`/imports/openapi.json`: the `imports.*` part, named as the gateway names it).
 *
 * The `rest` name (`/notification/…`) serves the router's other procedures unchanged and refuses those
 * under the `names`, so each procedure has exactly one name at the gateway; its other paths
 * (`/notification/inbox/stream`) are the service's own routes.
 */
export function mountNamespaces<E extends Env>(app: Hono<E>, namespaces: Namespaces) {
  const owned = (procedure: string) => namespaces.names.includes(procedure.split(".", 1)[0] ?? "");
  for (const ns of namespaces.names) {
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
        return notFound();
      }
      return app.fetch(new Request(url, c.req.raw), c.env);
    });
  }
  const restName = namespaces.rest;
  if (restName === undefined) {
    return;
  }
  app.all(`/${restName}/*`, async (c) => {
    const url = new URL(c.req.url);
    const rest = url.pathname.slice(restName.length + 1);
    if (rest.startsWith("/trpc/") && rest.slice("/trpc/".length).split(",").some(owned)) {
      return notFound();
    }
    if (rest.startsWith("/api/") && owned(rest.slice("/api/".length).replaceAll("/", "."))) {
      return notFound();
    }
    url.pathname = rest;
    const answer = await app.fetch(new Request(url, c.req.raw), c.env);
    if (rest !== "/openapi.json" || !answer.ok) {
      return answer;
    }
    return c.json(withoutNamespaces((await answer.json()) as OpenApiDocument, namespaces.names));
  });
}
