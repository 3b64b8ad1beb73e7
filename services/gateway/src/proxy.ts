import {
  API_KEY_PREFIX,
  type BucketLimits,
  clientAddress,
  type Locale,
  localeFromHeader,
  type RateLimiter,
  restError,
  type TokenVerifier,
} from "@vextrus/platform";
import type { RoutedCall } from "./batching.ts";
import type { SharedBuckets } from "./db/shared-buckets.ts";
import {
  batchTooLarge,
  bodyTooLarge,
  errorItem,
  type GatewayError,
  rateLimited,
  unknownProcedure,
  unreadableRequest,
} from "./errors.ts";
import { type SendPart, splitAndMerge } from "./merge.ts";
import type { ReplicaPool } from "./replicas.ts";
import { routeCalls, type ServiceTable } from "./routing.ts";
import type { TenantLimits } from "./tenant-limits.ts";
import { type UpstreamOptions, type UpstreamResult, withReplicas } from "./upstream.ts";

export interface ProxyOptions {
  table: ServiceTable;
  /** Each service's replicas: a request goes to a ready one (replicas.ts). */
  replicas: Pick<ReplicaPool, "pick" | "markDown" | "count">;
  upstream: UpstreamOptions;
  maxBatchSize: number;
  maxBodyBytes: number;
  limits: { tenant: RateLimiter; ip: RateLimiter };
  /** At most this many requests of one verified tenant in flight; more are refused (429). 0: no cap. */
  tenantInFlight: number;
  /**
   * The tenant budget in PostgreSQL, shared by every gateway replica (RATE_LIMIT_TENANT_SHARED), with
   * the default limits it applies; none: each replica's own bucket (`limits.tenant`).
   */
  sharedTenant?:
    | { buckets: SharedBuckets; defaults: BucketLimits; onError: (error: unknown) => void }
    | undefined;
  /**
   * Verifies access tokens (EdDSA, cached per token): only a verified token's tenant is charged.
   * Without one, every request is limited by its address only.
   */
  verifyToken?: TokenVerifier | undefined;
  /** A tenant's own limits (from configuration), where set; the tenant limiter's defaults otherwise. */
  tenantLimits?: TenantLimits | undefined;
  /** A request refused for a rate limit: whose, and for which services. */
  onRateLimited: (
    scope: "tenant" | "ip",
    who: { address: string; tenant: string | undefined; services: string[] },
  ) => void;
}

export interface ProxyRequest {
  request: Request;
  /** What `listen` resolved about the connection (the client's address). */
  connection: unknown;
  requestId: string;
}

/** The answer, plus what the gateway learnt about the request for its log line and metrics. */
export interface ProxyOutcome {
  response: Response;
  services: string[];
  calls: number;
  /** The procedure path as the caller sent it (at most 200 characters), for the log line. */
  procedure: string;
}

/** Request headers a service needs; nothing else (cookies, hop-by-hop headers) is passed on. */
const FORWARDED = [
  "authorization",
  "accept-language",
  "content-type",
  "trpc-accept",
  "accept",
  "user-agent",
  "traceparent",
];
/** Response headers passed back to the caller. */
const RETURNED = ["content-type", "vary", "cache-control", "retry-after", "allow"];

const isStreamRequest = (headers: Headers) =>
  headers.get("trpc-accept") === "application/jsonl" || headers.get("accept") === "application/jsonl";

function jsonResponse(body: BodyInit, status: number, requestId: string, extra: Record<string, string> = {}) {
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId, ...extra },
  });
}

/** A whole request refused by the gateway: one error object, which tRPC's links apply to every call. */
function refusal(error: GatewayError, locale: Locale, requestId: string): Response {
  const extra: Record<string, string> = error.retryAfter ? { "retry-after": String(error.retryAfter) } : {};
  return jsonResponse(
    JSON.stringify(errorItem(error, locale, requestId)),
    error.httpStatus,
    requestId,
    extra,
  );
}

function passOn(result: Extract<UpstreamResult, { ok: true }>, requestId: string): Response {
  const headers = new Headers({ "x-request-id": requestId });
  for (const name of RETURNED) {
    const value = result.headers.get(name);
    if (value) {
      headers.set(name, value);
    }
  }
  return new Response(result.body ?? result.text, { status: result.status, headers });
}

async function readBody(request: Request, limit: number): Promise<ArrayBuffer | null | "too large"> {
  if (request.method === "GET" || request.method === "HEAD") {
    return null;
  }
  if (Number(request.headers.get("content-length") ?? 0) > limit) {
    return "too large";
  }
  const body = await request.arrayBuffer();
  return body.byteLength > limit ? "too large" : body;
}

/**
 * The gateway's one endpoint: `/trpc/<service>.<procedure>[,<service>.<procedure>…]`. A call, or a
 * batch for one service, is forwarded as it came but for the path; a batch spanning services is
 * split by service, sent in parallel and put back together in the caller's order.
 */
export function createProxy(options: ProxyOptions) {
  const { table, limits } = options;

  function upstreamHeaders(request: Request, requestId: string, address: string): Headers {
    const headers = new Headers();
    for (const name of FORWARDED) {
      const value = request.headers.get(name);
      if (value) {
        headers.set(name, value);
      }
    }
    headers.set("x-request-id", requestId);
    // Only the address the gateway resolved: a caller cannot choose what services see.
    headers.set("x-forwarded-for", address);
    return headers;
  }

  /**
   * The tenant of a bearer JWT the gateway verified itself; none for no token, a bad one or an API key
   * (keys are checked by calling auth, too costly here: their requests pay the address limit only).
   */
  async function verifiedTenant(authorization: string | null): Promise<string | undefined> {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    if (!token || !options.verifyToken || token.startsWith(API_KEY_PREFIX)) {
      return undefined;
    }
    try {
      return (await options.verifyToken(token)).tenantId;
    } catch {
      return undefined;
    }
  }

  /**
   * Takes `cost` tokens from the address's bucket, then, when the request carries a token the gateway
   * verified, from its tenant's: a forged tenant claim only ever spends the forger's address budget.
   */
  async function rateLimit(
    request: Request,
    address: string,
    cost: number,
    services: string[],
    requestId: string,
  ) {
    const retryIp = limits.ip.take(address, cost);
    if (retryIp > 0) {
      options.onRateLimited("ip", { address, tenant: undefined, services });
      return { refused: rateLimited("ip", retryIp) };
    }
    const authorization = request.headers.get("authorization");
    const tenant = limits.tenant.enabled ? await verifiedTenant(authorization) : undefined;
    const own =
      tenant && authorization && options.tenantLimits
        ? await options.tenantLimits(tenant, authorization, requestId)
        : undefined;
    const retryTenant = tenant ? await takeTenant(tenant, cost, own) : 0;
    if (retryTenant > 0) {
      limits.ip.refund(address, cost);
      options.onRateLimited("tenant", { address, tenant, services });
      return { refused: rateLimited("tenant", retryTenant) };
    }
    if (tenant && options.tenantInFlight > 0) {
      // Fair share of a busy machine: a tenant within its rate may not hold more than its share of
      // the requests in progress; the rest are refused at once, as cheap as a refusal can be.
      const busy = inFlight.get(tenant) ?? 0;
      if (busy >= options.tenantInFlight) {
        limits.ip.refund(address, cost);
        refundTenant(tenant, cost, own);
        options.onRateLimited("tenant", { address, tenant, services });
        return { refused: rateLimited("tenant", 1) };
      }
      inFlight.set(tenant, busy + 1);
      return { holding: tenant };
    }
    return {};
  }

  /** The tenant's bucket: shared by the replicas in PostgreSQL when configured (a failing store admits). */
  async function takeTenant(tenant: string, cost: number, own: BucketLimits | undefined): Promise<number> {
    const shared = options.sharedTenant;
    if (!shared) {
      return limits.tenant.take(tenant, cost, own);
    }
    try {
      return await shared.buckets.take(`tenant:${tenant}`, cost, own ?? shared.defaults);
    } catch (error) {
      shared.onError(error);
      return 0;
    }
  }
  function refundTenant(tenant: string, cost: number, own: BucketLimits | undefined) {
    const shared = options.sharedTenant;
    if (!shared) {
      limits.tenant.refund(tenant, cost);
      return;
    }
    shared.buckets.refund(`tenant:${tenant}`, cost, own ?? shared.defaults).catch(shared.onError);
  }

  /** Requests in progress per verified tenant (only while a cap is set). */
  const inFlight = new Map<string, number>();
  const release = (tenant: string) => {
    const busy = (inFlight.get(tenant) ?? 1) - 1;
    if (busy > 0) {
      inFlight.set(tenant, busy);
    } else {
      inFlight.delete(tenant);
    }
  };

  /**
   * `/api/<service>/<procedure>` (plain JSON, GET or POST): admitted as one call (rate limits, body
   * bound), forwarded to the service's `/api/<procedure>`, answered as it came. Refusals have the
   * REST error body (`{ error: { code, kind, appCode, message, requestId } }`).
   */
  async function rest({ request, connection, requestId }: ProxyRequest): Promise<ProxyOutcome> {
    const url = new URL(request.url);
    const locale = localeFromHeader(request.headers.get("accept-language"));
    const refuse = (error: GatewayError) =>
      restError(error.kind, error.appCode, error.text, locale, requestId, {
        "x-request-id": requestId,
        ...(error.retryAfter ? { "retry-after": String(error.retryAfter) } : {}),
      });
    const named = url.pathname.slice("/api/".length).replaceAll("/", ".");
    const [call] = routeCalls(named, false, table) ?? [];
    const services = call && !call.error ? [call.service] : [];
    const done = (response: Response): ProxyOutcome => ({
      response,
      services,
      calls: 1,
      procedure: named.slice(0, 200),
    });
    if (!call || call.error) {
      return done(refuse(call?.error ?? unknownProcedure()));
    }
    const address = clientAddress(connection);
    const limit = await rateLimit(request, address, 1, services, requestId);
    if (limit.refused) {
      return done(refuse(limit.refused));
    }
    try {
      return await admittedRest(call);
    } finally {
      if (limit.holding) {
        release(limit.holding);
      }
    }

    async function admittedRest(call: RoutedCall): Promise<ProxyOutcome> {
      const body = await readBody(request, options.maxBodyBytes);
      if (body === "too large") {
        return done(refuse(bodyTooLarge(options.maxBodyBytes)));
      }
      const result = await withReplicas(
        {
          service: call.service,
          path: call.procedure,
          search: url.search.slice(1),
          method: request.method,
          signal: request.signal,
          body,
          headers: upstreamHeaders(request, requestId, address),
          pass: true,
          endpoint: "api",
        },
        options.upstream,
        options.replicas,
      );
      return done(result.ok ? passOn(result, requestId) : refuse(result.error));
    }
  }

  async function trpc({ request, connection, requestId }: ProxyRequest): Promise<ProxyOutcome> {
    /** Only a refusal is worded, so the caller's language is read only then. */
    const refuse = (error: GatewayError) =>
      refusal(error, localeFromHeader(request.headers.get("accept-language")), requestId);
    const url = new URL(request.url);
    const isBatch = url.searchParams.get("batch") === "1";
    const calls = routeCalls(url.pathname.slice("/trpc/".length), isBatch, table) ?? [];
    const routed = calls.filter((call): call is RoutedCall => call.error === undefined);
    const services = [...new Set(routed.map((call) => call.service))];
    const done = (response: Response): ProxyOutcome => ({
      response,
      services,
      calls: calls.length,
      procedure: url.pathname.slice("/trpc/".length, 206),
    });
    if (calls.length === 0) {
      return done(refuse(unreadableRequest()));
    }
    if (calls.length > options.maxBatchSize) {
      return done(refuse(batchTooLarge(options.maxBatchSize)));
    }
    const address = clientAddress(connection);
    const limit = await rateLimit(request, address, calls.length, services, requestId);
    if (limit.refused) {
      return done(refuse(limit.refused));
    }
    try {
      return await admitted();
    } finally {
      if (limit.holding) {
        release(limit.holding);
      }
    }

    /** The request once the limits let it through. */
    async function admitted(): Promise<ProxyOutcome> {
      const body = await readBody(request, options.maxBodyBytes);
      if (body === "too large") {
        return done(refuse(bodyTooLarge(options.maxBodyBytes)));
      }
      const stream = isStreamRequest(request.headers);
      const headers = upstreamHeaders(request, requestId, address);
      const base = { method: request.method, signal: request.signal };
      /** The whole request to one service: its answer (a stream too) is passed on as it arrives. */
      const forward = (service: string, path: string) =>
        withReplicas(
          {
            ...base,
            service,
            path,
            search: url.search.slice(1),
            body,
            headers,
            pass: true,
          },
          options.upstream,
          options.replicas,
        );
      /** One service's part of a split batch: a plain JSON answer, read whole, which the gateway merges. */
      const sendPart: SendPart = (service, path, search, payload) => {
        const plain = new Headers(headers);
        plain.delete("trpc-accept");
        plain.delete("accept");
        return withReplicas(
          {
            ...base,
            service,
            path,
            search,
            body: payload,
            headers: plain,
            pass: false,
          },
          options.upstream,
          options.replicas,
        );
      };

      let response: Response;
      const only = services.length === 1 && routed.length === calls.length ? services[0] : undefined;
      if (only) {
        const path = routed.map((call) => call.procedure).join(",");
        const result = await forward(only, path);
        response = result.ok ? passOn(result, requestId) : refuse(result.error);
      } else if (!isBatch) {
        response = refuse(calls[0]?.error ?? unknownProcedure());
      } else {
        const locale = localeFromHeader(request.headers.get("accept-language"));
        const merged = await splitAndMerge({ calls, url, body, stream, locale, requestId }, sendPart);
        response = merged.ok
          ? jsonResponse(merged.body, merged.status, requestId, { vary: "trpc-accept, accept" })
          : refuse(merged.error);
      }
      return done(response);
    }
  }

  return { trpc, rest };
}
