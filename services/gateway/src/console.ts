/**
 * The Vextrus Console (apps/console, built by Vite) served as static files at `/`. Paths that belong
 * to the API stay the API's: they are never answered with the app, so an unknown /trpc or /api path is
 * still a JSON 404. Any other GET without a file behind it gets index.html (the app's router shows the
 * screen), except paths that look like a file (`/x.js`), which 404 so a missing asset is not HTML.
 */
import { createHash } from "node:crypto";
import { resolve, sep } from "node:path";

/** Prefixes the console never answers (the API, health, metrics, docs, file content, the inbox stream). */
export const API_PREFIXES = [
  "/trpc",
  "/health",
  "/metrics",
  "/api",
  "/docs",
  "/openapi.json",
  "/files",
  "/notifications",
];

/** The page and other entry files: always revalidated, so a new build is picked up at once. */
const NO_CACHE = "no-cache";
/** Vite's hashed assets never change under their name. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Only this origin's scripts, styles, fonts and API; no framing. React needs no inline script. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; frame-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** The page's own inline scripts (no `src`): each is allowed by its hash, nothing else inline. */
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The CSP of one HTML page: CSP, plus the SHA-256 of each inline script the built page carries (the
 * console's tiny "ask for the inbox's tasks first" script runs before any file is fetched that way).
 */
export function pagePolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)]
    .map((m) => m[1] ?? "")
    .filter((body) => body.trim() !== "")
    .map((body) => `'sha256-${createHash("sha256").update(body).digest("base64")}'`);
  return hashes.length === 0
    ? CSP
    : CSP.replace("script-src 'self'", `script-src 'self' ${hashes.join(" ")}`);
}

const isApiPath = (path: string) =>
  API_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`),
  );

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Vextrus Console</title>
<p>The console is not built. Run <code>npm install</code> (its postinstall builds it) or
<code>npm run build -w @vextrus/console</code>, then reload. The API answers at /trpc.</p></html>`;

/** `undefined`: not the console's to answer (an API path, or not GET/HEAD). */
export function consoleFiles(dir: string): (request: Request) => Promise<Response | undefined> {
  const root = resolve(dir);
  const index = Bun.file(`${root}${sep}index.html`);
  const headers = (cache: string, html: boolean) => ({
    "cache-control": cache,
    "x-content-type-options": "nosniff",
    ...(html ? { "content-security-policy": CSP, "referrer-policy": "no-referrer" } : {}),
  });

  /** An HTML page (a few hundred bytes): read, so its CSP can name its inline scripts' hashes. */
  const page = async (file: ReturnType<typeof Bun.file>) => {
    const html = await file.text();
    return new Response(html, {
      headers: {
        ...headers(NO_CACHE, true),
        "content-security-policy": pagePolicy(html),
        "content-type": "text/html; charset=utf-8",
      },
    });
  };

  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return undefined;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return undefined;
    }
    if (isApiPath(path) || path.includes("\0")) {
      return undefined;
    }
    const target = resolve(root, `.${path}`);
    if (target !== root && target.startsWith(`${root}${sep}`)) {
      const file = Bun.file(target);
      if (!target.endsWith(sep) && (await file.exists())) {
        if (target.endsWith(".html")) {
          return page(file);
        }
        const hashed = target.startsWith(`${root}${sep}assets${sep}`);
        return new Response(file, { headers: headers(hashed ? IMMUTABLE : NO_CACHE, false) });
      }
    }
    const lastSegment = path.slice(path.lastIndexOf("/") + 1);
    if (lastSegment.includes(".") && !lastSegment.endsWith(".html")) {
      return undefined;
    }
    if (!(await index.exists())) {
      return new Response(NOT_BUILT, {
        status: 503,
        headers: { ...headers(NO_CACHE, true), "content-type": "text/html; charset=utf-8" },
      });
    }
    return page(index);
  };
}
