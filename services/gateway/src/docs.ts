/**
 * `GET /docs`: the API reference (Scalar) for `/openapi.json`, served entirely from our own files:
 * the standalone bundle of `@scalar/api-reference` from node_modules, our configuration script, and a
 * Content-Security-Policy that lets the page load and call nothing but this origin (no CDN, no
 * fonts, no telemetry).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

/** The folder of Scalar's browser bundles (the package exports no path to it, so found from its entry). */
const BUNDLE = join(
  dirname(fileURLToPath(import.meta.resolve("@scalar/api-reference"))),
  "browser",
  "standalone.js",
);

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Vextrus ERP API</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/docs/scalar.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** Scalar's settings: our document, nothing fetched from elsewhere, requests sent straight to this gateway. */
const INIT = `Scalar.createApiReference("#app", ${JSON.stringify({
  url: "/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  mcp: { disabled: true },
  agent: { disabled: true },
  defaultOpenFirstTag: false,
  persistAuth: false,
})});
`;

/** The /docs routes, mounted on the gateway's app. */
export function docsApp(): Hono {
  const app = new Hono();
  const headers = { "content-security-policy": CSP, "x-content-type-options": "nosniff" };
  app.get("/docs", (c) => c.html(PAGE, 200, headers));
  app.get("/docs/init.js", (c) =>
    c.body(INIT, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get(
    "/docs/scalar.js",
    () =>
      new Response(Bun.file(BUNDLE), {
        headers: {
          ...headers,
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "public, max-age=3600",
        },
      }),
  );
  return app;
}
