import { trpcServer } from "@hono/trpc-server";
import type { AnyRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type Context, Hono } from "hono";
import type { Principal, TokenVerifier } from "./auth.ts";
import type { ServiceContext } from "./context.ts";
import { AppError } from "./errors.ts";
import { checkAll, type HealthCheck } from "./health.ts";
import { localeFromHeader } from "./locale.ts";
import type { Logger } from "./log.ts";
import { type Metrics, recordReadiness } from "./metrics.ts";
import { restProcedures, serviceOpenApi } from "./openapi.ts";
import { createRestHandler } from "./rest.ts";
import { endSpan, startSpan, traceparentOfSpan, tracingOn } from "./telemetry.ts";
import { currentTraceparent, runInTrace, traceparentOf } from "./trace.ts";
import { logUnmappedFailures } from "./trpc.ts";
import { createDirectCaller } from "./trpc-direct.ts";
import { batchTooLargeText, MAX_BATCH_CALLS, wireError } from "./wire-error.ts";

export interface ServiceOptions<Deps> {
  name: string;
  version: string;
  router: AnyRouter;
  deps: Deps;
  log: Logger;
  metrics: Metrics;
  /** Readiness probes by dependency name, e.g. `{ postgres: () => db.ping() }`. */
  checks: Record<string, HealthCheck>;
  /** Verifies bearer tokens; without one every bearer token is refused. */
  verifyToken?: TokenVerifier | undefined;
  /** Extra HTTP routes (e.g. a JWKS document) added before tRPC. */
  routes?: (app: Hono<ServiceEnv>) => void;
  /**
   * Whether a single query or mutation is called directly (trpc-direct.ts, the default) instead of
   * through tRPC's fetch handler; both answer alike (test/trpc-direct.test.ts compares them).
   */
  directCalls?: boolean;
  /** The most calls a tRPC batch may carry (default MAX_BATCH_CALLS); more is refused before tRPC runs. */
  maxBatchSize?: number;
}

export type ServiceEnv = { Variables: { requestId: string; tenantId?: string; procedure?: string } };

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

async function principalFrom(
  header: string | undefined,
  verify: TokenVerifier | undefined,
): Promise<Principal | null> {
  if (!header) {
    return null;
  }
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (!token || !verify) {
    throw new AppError("UNAUTHORIZED", "auth.token.invalid", {
      en: "The access token is invalid or expired",
      bn: "অ্যাক্সেস টোকেনটি অবৈধ বা মেয়াদোত্তীর্ণ",
    });
  }
  return verify(token);
}

/** Procedures named in a /trpc path (`/trpc/a,b,c` is a batch of three). */
function callCount(path: string): number {
  let calls = 1;
  for (let i = path.indexOf(","); i !== -1; i = path.indexOf(",", i + 1)) {
    calls += 1;
  }
  return calls;
}

/** The procedure a REST path names: `/api/companies/create` and `/api/companies.create` are `companies.create`. */
const restName = (path: string) => path.slice("/api/".length).replaceAll("/", ".");

/** Names a tRPC request for logs and metrics without letting callers invent label values. */
function procedureLabel(path: string, known: ReadonlySet<string>): string {
  const names = path.slice("/trpc/".length).split(",");
  if (names.length > 1) {
    return "(batch)";
  }
  const name = names[0] ?? "";
  return known.has(name) ? name : "(unknown)";
}

/**
 * A service's HTTP face: tRPC at /trpc, health, readiness and metrics, request ids, one JSON log line
 * and one histogram observation per request. No side effects: tests build it with real dependencies.
 */
export function createService<Deps>(options: ServiceOptions<Deps>): Hono<ServiceEnv> {
  const app = new Hono<ServiceEnv>();
  const started = Date.now();
  const known = new Set(Object.keys(options.router._def.procedures));
  // The request line is info: with the level above it, its fields are never built.
  const logRequests = options.log.enabled?.("info") ?? true;
  // One histogram child per method, route and status, bound once: prom-client otherwise hashes the
  // label object on every observation. (Routes are the app's own names, so the map stays small.)
  const durations = new Map<string, { observe(seconds: number): void }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${status} ${route}`;
    let child = durations.get(key);
    if (!child) {
      child = options.metrics.httpDuration.labels({ method, route, status: String(status) });
      durations.set(key, child);
    }
    child.observe(seconds);
  };

  app.use(async (c, next) => {
    const begin = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : Bun.randomUUIDv7();
    c.set("requestId", requestId);
    // The caller's trace (W3C traceparent) or a new one, for everything this request does; with
    // tracing on, a server span of it (telemetry.ts) whose id the request's calls and events carry.
    const incomingTrace = c.req.header("traceparent");
    const span = tracingOn()
      ? startSpan(
          {
            service: options.name,
            name: c.req.method,
            kind: "server",
            attributes: { "http.request.method": c.req.method },
          },
          incomingTrace,
        )
      : undefined;
    try {
      await runInTrace(span ? traceparentOfSpan(span) : traceparentOf(incomingTrace), next);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
    c.header("x-request-id", requestId);
    const seconds = (performance.now() - begin) / 1000;
    const isTrpc = c.req.path.startsWith("/trpc/");
    const isRest = c.req.path.startsWith("/api/");
    const procedure = isTrpc
      ? procedureLabel(c.req.path, known)
      : isRest
        ? procedureLabel(`/trpc/${restName(c.req.path)}`, known)
        : undefined;
    const route = isTrpc ? `/trpc/${procedure}` : isRest ? `/api/${procedure}` : c.req.routePath;
    observe(c.req.method, route, c.res.status, seconds);
    if (span) {
      span.updateName(`${c.req.method} ${route}`);
      span.setAttributes({
        "http.route": route,
        "http.response.status_code": c.res.status,
        "vextrus.request_id": requestId,
      });
      endSpan(span, c.res.status >= 500 ? `HTTP ${c.res.status}` : undefined);
    }
    if ((isTrpc || isRest) && logRequests) {
      options.log.info("request", {
        requestId,
        tenant: c.get("tenantId") ?? null,
        procedure: isTrpc ? c.req.path.slice(6) : restName(c.req.path),
        method: c.req.method,
        status: c.res.status,
        durationMs: Math.round(seconds * 100_000) / 100,
      });
    }
  });

  app.get("/health/live", (c) => c.json({ status: "ok" }));
  app.get("/health/ready", async (c) => {
    const result = await checkAll(options.checks);
    return c.json({ status: result.ok ? "ready" : "unavailable", ...result }, result.ok ? 200 : 503);
  });
  app.get("/health", async (c) => {
    const result = await checkAll(options.checks);
    return c.json({
      service: options.name,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      status: result.ok ? "ok" : "degraded",
      dependencies: result.checks,
    });
  });
  app.get("/metrics", async (c) => {
    recordReadiness(options.metrics, await checkAll(options.checks));
    const body = await options.metrics.registry.metrics();
    return c.body(body, 200, { "content-type": options.metrics.registry.contentType });
  });

  options.routes?.(app);

  async function createContext(c: Context<ServiceEnv>): Promise<ServiceContext<Deps>> {
    const requestId = c.get("requestId") as string;
    const locale = localeFromHeader(c.req.header("accept-language"));
    const log = options.log.child({ requestId });
    const authorization = c.req.header("authorization");
    let principal: Principal | null = null;
    let authError: AppError | null = null;
    try {
      principal = await principalFrom(authorization, options.verifyToken);
    } catch (error) {
      authError = error instanceof AppError ? error : null;
    }
    if (principal) {
      c.set("tenantId", principal.tenantId);
    }
    return {
      requestId,
      locale,
      log,
      principal,
      authError,
      authorization,
      traceparent: currentTraceparent() ?? traceparentOf(c.req.header("traceparent")),
      deps: options.deps,
    };
  }
  const onError = logUnmappedFailures(options.log);
  const direct = options.directCalls === false ? undefined : createDirectCaller(options.router, onError);
  const viaTrpc = trpcServer({
    router: options.router,
    endpoint: "/trpc",
    onError,
    createContext: (_opts, c) => createContext(c as Context<ServiceEnv>),
  });

  // A batch is refused before tRPC parses a byte of it: thousands of calls in one request would
  // otherwise hold the process for seconds, whoever sent them. A single query or mutation is called
  // directly (trpc-direct.ts); everything else goes through tRPC's own handler.
  const maxBatch = options.maxBatchSize ?? MAX_BATCH_CALLS;
  app.use("/trpc/*", async (c, next) => {
    const path = c.req.path.slice("/trpc/".length);
    if (callCount(path) > maxBatch) {
      const refusal = {
        kind: "VALIDATION" as const,
        appCode: "request.batch.too_large",
        text: batchTooLargeText(maxBatch),
      };
      const locale = localeFromHeader(c.req.header("accept-language"));
      return c.json(wireError(refusal, locale, c.get("requestId")), 400);
    }
    const answer = direct && (await direct(c.req.raw, path, () => createContext(c)));
    return answer ?? viaTrpc(c, next);
  });

  // The same procedures as plain JSON over HTTP, described by /openapi.json (see rest.ts, openapi.ts).
  // Read from the router on first use: most test apps never serve them.
  let procedures: ReturnType<typeof restProcedures> | undefined;
  const described = () => {
    procedures ??= restProcedures(options.router);
    return procedures;
  };
  let document: ReturnType<typeof serviceOpenApi> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= serviceOpenApi({ name: options.name, version: options.version }, described());
    return c.json(document);
  });
  app.on(["GET", "POST"], "/api/*", (c) => {
    const rest = createRestHandler(described(), (req) =>
      fetchRequestHandler({
        router: options.router,
        endpoint: "/trpc",
        req,
        onError,
        createContext: () => createContext(c),
      }),
    );
    return rest(c.req.raw, restName(c.req.path), c.get("requestId"));
  });

  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: "No such route" } }, 404));
  app.onError((error, c) => {
    options.log.error("unhandled", {
      requestId: c.get("requestId"),
      message: error.message,
      stack: error.stack,
    });
    return c.json(
      { error: { code: "INTERNAL", message: "Internal error", requestId: c.get("requestId") } },
      500,
    );
  });
  return app;
}
