import { asyncApiDocument } from "@vextrus/events";
import {
  endSpan,
  type Logger,
  localeFromHeader,
  RateLimiter,
  recordReadiness,
  runInTrace,
  startSpan,
  type TokenVerifier,
  traceparentOfSpan,
  tracingOn,
} from "@vextrus/platform";
import { Hono } from "hono";
import pkg from "../package.json" with { type: "json" };
import { forwardAuditExport } from "./audit-export.ts";
import { requestIdFrom } from "./caller.ts";
import { consoleFiles } from "./console.ts";
import { createCors } from "./cors.ts";
import type { SharedBuckets } from "./db/shared-buckets.ts";
import { docsApp } from "./docs.ts";
import { errorItem, gatewayInternal } from "./errors.ts";
import { forwardFileContent } from "./file-content.ts";
import { checkServices } from "./health.ts";
import { createHttp1Client } from "./http1.ts";
import { type IdempotencyStore, withIdempotency } from "./idempotency.ts";
import { forwardInboxStream } from "./inbox-stream.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { createOpenApiSource } from "./openapi.ts";
import { createProxy, type ProxyOutcome, type ProxyRequest } from "./proxy.ts";
import type { RefusalReporter } from "./refusals.ts";
import { createReplicaPool, type ReplicaPool, replicaTable } from "./replicas.ts";
import { forwardSmsReports } from "./sms-reports.ts";
import type { TenantLimits } from "./tenant-limits.ts";

export interface GatewayOptions {
  /**
   * Service name → base URL, or its replicas' URLs. The same map in every mode: from SERVICE_URLS, or
   * the embedded servers.
   */
  services: Readonly<Record<string, string | readonly string[]>>;
  /** How often replicas of a service with several are probed for readiness (default 2 s). */
  replicaProbeMs?: number;
  /**
   * The replica pool over `services`, when the caller made it (boot does, so the gateway's own calls
   * to the configuration service balance over the same replicas as forwarded ones); made here otherwise.
   */
  replicaPool?: ReplicaPool | undefined;
  log: Logger;
  /**
   * Whether the logger writes debug lines (LOG_LEVEL=debug): only then is a forwarded answer's line
   * built at all. Default true (the logger decides).
   */
  logForwarded?: boolean;
  /** Allowed browser origins (`*` for any); empty: no CORS headers. */
  corsOrigins?: readonly string[];
  upstreamTimeoutMs?: number;
  rateLimits?: {
    tenant: { perSecond: number; burst: number };
    ip: { perSecond: number; burst: number };
  };
  /** At most this many requests of one verified tenant in flight; more are refused (429). 0/none: no cap. */
  tenantInFlight?: number;
  /** The tenant budget kept in PostgreSQL for every replica (RATE_LIMIT_TENANT_SHARED); none: per replica. */
  sharedTenantBuckets?: SharedBuckets | undefined;
  maxBatchSize?: number;
  maxBodyBytes?: number;
  /** Verifies access tokens, so the tenant limit is charged to verified tenants only; none: address only. */
  verifyToken?: TokenVerifier | undefined;
  /** A tenant's own limits where configured (`configuredTenantLimits`); the defaults above otherwise. */
  tenantLimits?: TenantLimits | undefined;
  /** Where answers to `Idempotency-Key` requests are kept (the gateway's database); none: such requests are refused. */
  idempotency?: IdempotencyStore | undefined;
  /** Where rate-limit refusals go as events (the security trail); none: only /metrics counts them. */
  refusals?: RefusalReporter;
  /** The built console (apps/console/dist) served at `/`; none: the gateway answers the API only. */
  consoleDir?: string | undefined;
}

type GatewayEnv = { Variables: { requestId: string } };

const OFF = { perSecond: 0, burst: 0 };

/** The route label of a request for metrics and events: bounded, whatever the caller sends. */
const routeLabel = (services: readonly string[], prefix = "/trpc") =>
  services.length === 0
    ? `${prefix}/(unrouted)`
    : services.length === 1
      ? `${prefix}/${services[0]}`
      : `${prefix}/(batch)`;

/** Whether a request URL's path starts with /trpc/ (without parsing the whole URL). */
function isTrpc(url: string): boolean {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  return pathStart !== -1 && url.startsWith("/trpc/", pathStart);
}

/**
 * The gateway's HTTP app: /trpc routed to the services, CORS, rate limits, /health, /health/ready
 * (every service's readiness), /metrics, and the console's static files at `/` (console.ts). No side effects: tests build it with real services.
 * /trpc/* has one path: `handleTrpc`, which Bun's router hands it to (`bunRoutes`) past Hono, and
 * which `fetch` calls too when served without Bun's router; CORS, when configured, is applied there
 * and by the same `cors.ts` to Hono's routes.
 */
export function createGateway(options: GatewayOptions) {
  const replicas = replicaTable(options.services);
  const pool =
    options.replicaPool ?? createReplicaPool(replicas, { log: options.log, probeMs: options.replicaProbeMs });
  const table = pool.table;
  const cors = createCors(options.corsOrigins ?? []);
  const metrics = createGatewayMetrics();
  const started = Date.now();
  /** Whether a forwarded answer's debug line is written (the logger's level allows it). */
  const logForwarded = options.logForwarded ?? true;
  const limits = { tenant: options.rateLimits?.tenant ?? OFF, ip: options.rateLimits?.ip ?? OFF };
  const idempotent = withIdempotency(options.idempotency);
  /** Keep-alive connections to the services for forwarded plain-JSON requests. */
  const client = createHttp1Client();
  const proxy = createProxy({
    table,
    replicas: pool,
    upstream: {
      timeoutMs: options.upstreamTimeoutMs ?? 10_000,
      observe: (service, status, seconds) => metrics.observeUpstream(seconds, service, status),
      client,
    },
    maxBatchSize: options.maxBatchSize ?? 50,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    limits: { tenant: new RateLimiter(limits.tenant), ip: new RateLimiter(limits.ip) },
    tenantInFlight: options.tenantInFlight ?? 0,
    sharedTenant: options.sharedTenantBuckets && {
      buckets: options.sharedTenantBuckets,
      defaults: limits.tenant,
      onError: (error: unknown) =>
        options.log.warn("shared tenant budget unavailable: request admitted", { error: String(error) }),
    },
    verifyToken: options.verifyToken,
    tenantLimits: options.tenantLimits,
    onRateLimited: (scope, who) => {
      metrics.rateLimited.inc({ scope });
      options.refusals?.record({
        scope,
        address: who.address,
        tenant: who.tenant,
        route: routeLabel(who.services),
        limit: limits[scope].perSecond,
      });
    },
  });

  /** A failure nobody planned for: logged with its stack, answered as tRPC's INTERNAL_SERVER_ERROR. */
  function internalError(error: unknown, request: Request, requestId: string): Response {
    const { message, stack } = error instanceof Error ? error : { message: String(error), stack: undefined };
    options.log.error("unhandled", { requestId, message, stack });
    const locale = localeFromHeader(request.headers.get("accept-language"));
    return Response.json(errorItem(gatewayInternal(), locale, requestId), {
      status: 500,
      headers: { "x-request-id": requestId },
    });
  }

  /**
   * One /trpc request: forwarded by the proxy, timed, and logged. A forwarded answer is logged at
   * debug (the service that answered logs it under the same request id); what the gateway refused
   * or could not deliver, at info. Bun's router calls this past Hono, so it answers its own failures.
   */
  async function forward(
    handler: (call: ProxyRequest) => Promise<ProxyOutcome>,
    request: Request,
    connection: unknown,
    prefix: "/trpc" | "/api" = "/trpc",
  ): Promise<Response> {
    const requestId = requestIdFrom(request.headers.get("x-request-id") ?? undefined);
    const begin = performance.now();
    // With tracing on, a server span continuing the caller's traceparent; upstream calls are its children.
    const span = tracingOn()
      ? startSpan(
          {
            service: "gateway",
            name: `${request.method} ${prefix}`,
            kind: "server",
            attributes: { "http.request.method": request.method, "vextrus.request_id": requestId },
          },
          request.headers.get("traceparent") ?? undefined,
        )
      : undefined;
    let outcome: ProxyOutcome;
    try {
      const call = { request, connection, requestId };
      outcome = await (span ? runInTrace(traceparentOfSpan(span), () => handler(call)) : handler(call));
    } catch (error) {
      endSpan(span, error);
      return internalError(error, request, requestId);
    }
    const status = outcome.response.status;
    const route = routeLabel(outcome.services, prefix);
    const seconds = (performance.now() - begin) / 1000;
    metrics.observeRequest(seconds, request.method, route, String(status));
    if (span) {
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": status });
      endSpan(span, status >= 500 ? `HTTP ${status}` : undefined);
    }
    if (status < 400 && !logForwarded) {
      return outcome.response;
    }
    const level = status < 400 ? "debug" : "info";
    options.log[level]("request", {
      requestId,
      method: request.method,
      procedure: outcome.procedure,
      services: outcome.services,
      calls: outcome.calls,
      status,
      durationMs: Math.round(seconds * 100_000) / 100,
    });
    return outcome.response;
  }

  /** Every /trpc request, however it arrives: CORS (when configured) around the proxy. */
  async function handleTrpc(request: Request, connection: unknown): Promise<Response> {
    const preflight = cors?.preflight(request);
    if (preflight) {
      return preflight;
    }
    const response = request.headers.has("idempotency-key")
      ? await idempotent(request, requestIdFrom(request.headers.get("x-request-id") ?? undefined), (req) =>
          forward(proxy.trpc, req, connection),
        )
      : await forward(proxy.trpc, request, connection);
    return cors ? cors.decorate(request, response) : response;
  }

  const app = new Hono<GatewayEnv>();
  app.use(async (c, next) => {
    c.set("requestId", requestIdFrom(c.req.header("x-request-id")));
    await next();
    c.header("x-request-id", c.get("requestId"));
  });
  if (cors) {
    app.use(async (c, next) => {
      const preflight = cors.preflight(c.req.raw);
      if (preflight) {
        return preflight;
      }
      await next();
      cors.decorate(c.req.raw, c.res);
    });
  }

  app.get("/health/live", (c) => c.json({ status: "ok" }));
  app.get("/health/ready", async (c) => {
    const result = await checkServices(replicas);
    return c.json({ status: result.ok ? "ready" : "unavailable", ...result }, result.ok ? 200 : 503);
  });
  app.get("/health", async (c) => {
    const result = await checkServices(replicas);
    return c.json({
      service: "gateway",
      version: pkg.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      status: result.ok ? "ok" : "degraded",
      services: result.checks,
    });
  });
  // Small files sent through the front door, streamed on to file-storage (presigned URLs otherwise).
  const fileContent = forwardFileContent(table, options.log);
  app.put("/files/:fileId/content", (c) => fileContent(c.req.raw, c.req.param("fileId"), c.get("requestId")));
  // The in-app inbox as server-sent events, streamed on from notification.
  const inboxStream = forwardInboxStream(table, options.log);
  app.get("/notifications/stream", (c) => inboxStream(c.req.raw, c.get("requestId")));
  // The audit log as CSV, streamed on from audit's own export (every matching row).
  const auditExport = forwardAuditExport(table, options.log);
  app.get("/audit/export.csv", (c) => auditExport(c.req.raw, c.get("requestId")));
  // SMS providers' delivery reports (public; notification checks each by signature or URL token).
  const smsReports = forwardSmsReports(table, options.log);
  app.post("/sms-reports/:provider", (c) =>
    smsReports(c.req.raw, c.req.param("provider"), c.get("requestId")),
  );
  // Plain JSON over HTTP for every procedure, and its description (see openapi.ts).
  app.on(["GET", "POST"], "/api/*", (c) =>
    idempotent(c.req.raw, c.get("requestId"), (req) => forward(proxy.rest, req, c.env, "/api")),
  );
  const openApi = createOpenApiSource(table, pkg.version, options.upstreamTimeoutMs ?? 10_000);
  app.get("/openapi.json", async (c) => c.json(await openApi()));
  app.route("/", docsApp());
  let asyncApi: ReturnType<typeof asyncApiDocument> | undefined;
  app.get("/asyncapi.json", (c) => {
    asyncApi ??= asyncApiDocument(pkg.version);
    return c.json(asyncApi);
  });
  app.get("/metrics", async (c) => {
    recordReadiness(metrics, await checkServices(replicas));
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  // Last, so every route above wins: the console's files, and index.html for its screens.
  if (options.consoleDir) {
    const files = consoleFiles(options.consoleDir);
    app.on(["GET", "HEAD"], "*", async (c) => (await files(c.req.raw)) ?? c.notFound());
  }
  app.notFound((c) => c.json({ error: { code: "NOT_FOUND", message: "No such route" } }, 404));
  app.onError((error, c) => internalError(error, c.req.raw, c.get("requestId") ?? ""));
  return {
    fetch: (request: Request, connection?: unknown) =>
      isTrpc(request.url) ? handleTrpc(request, connection) : app.fetch(request, connection),
    /** Bun's router hands /trpc/* to the same handler before `fetch` runs (no Hono on the hot path). */
    bunRoutes: { "/trpc/*": handleTrpc },
    /** Stops probing replicas' readiness and closes idle connections to the services. */
    stop: () => {
      pool.stop();
      client.close();
    },
  };
}
