/**
 * CORS for browser clients of the gateway, as one function over Request/Response so the /trpc
 * handler (served by Bun's router) and the Hono routes (health, metrics) answer alike.
 */

const ALLOW_METHODS = "GET, POST, OPTIONS";
const ALLOW_HEADERS = "authorization, content-type, accept-language, x-request-id, trpc-accept";
const EXPOSE_HEADERS = "x-request-id, retry-after";
const MAX_AGE_SECONDS = "600";

export interface Cors {
  /** The answer to a preflight request, or undefined when the request is not one. */
  preflight(request: Request): Response | undefined;
  /** Adds the headers an allowed origin gets to an answer (in place) and returns it. */
  decorate(request: Request, response: Response): Response;
}

/** `["*"]` allows any origin; a list allows exactly those; an empty list: no CORS headers at all. */
export function createCors(origins: readonly string[]): Cors | undefined {
  if (origins.length === 0) {
    return undefined;
  }
  const any = origins.includes("*");
  const allowed = new Set(origins);
  /** The Access-Control-Allow-Origin value for this request, or undefined when its origin is not allowed. */
  const allowOrigin = (request: Request): string | undefined => {
    if (any) {
      return "*";
    }
    const origin = request.headers.get("origin");
    return origin && allowed.has(origin) ? origin : undefined;
  };
  const setCommon = (headers: Headers, origin: string) => {
    headers.set("access-control-allow-origin", origin);
    if (!any) {
      headers.append("vary", "Origin");
    }
  };
  return {
    preflight(request) {
      if (request.method !== "OPTIONS" || !request.headers.has("access-control-request-method")) {
        return undefined;
      }
      const headers = new Headers();
      const origin = allowOrigin(request);
      if (origin) {
        setCommon(headers, origin);
        headers.set("access-control-allow-methods", ALLOW_METHODS);
        headers.set("access-control-allow-headers", ALLOW_HEADERS);
        headers.set("access-control-max-age", MAX_AGE_SECONDS);
      }
      return new Response(null, { status: 204, headers });
    },
    decorate(request, response) {
      const origin = allowOrigin(request);
      if (origin) {
        setCommon(response.headers, origin);
        response.headers.set("access-control-expose-headers", EXPOSE_HEADERS);
      }
      return response;
    },
  };
}
