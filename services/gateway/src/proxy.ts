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
import { type Call, routeCalls, type ServiceTable } from "./routing.ts";
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
const FORWARDED = new Set([
  "authorization",
  "accept-language",
  "content-type",
  "trpc-accept",
  "accept",
  "user-agent",
  "traceparent",
]);
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

const TRPC = "/trpc/";

/** The services a request's calls go to, each once, in first-seen order. */
function distinctServices(routed: readonly RoutedCall[]): string[] {
  if (routed.length === 1) {
    return [routed[0]?.service ?? ""];
  }
  return [...new Set(routed.map((call) => call.service))];
}

/** A /trpc refusal, worded in the caller's language (read only when there is something to word). */
function trpcRefusal(error: GatewayError, request: Request, requestId: string): Response {
  return refusal(error, localeFromHeader(request.headers.get("accept-language")), requestId);
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
  const headers: Record<string, string> = { "x-request-id": requestId };
  for (const name of RETURNED) {
    const value = result.headers.get(name);
    if (value) {
      headers[name] = value;
    }
  }
  return new Response(result.body ?? result.text, { status: result.status, headers });
}

/** What the limits decided: refused (and why), or admitted (holding a tenant's in-flight slot, if capped). */
interface Admission {
  refused?: GatewayError;
  holding?: string;
}
const ADMITTED: Admission = {};

/** How long a verified token's tenant is remembered at most (and never past the token's expiry). */
const TENANT_CACHE_MS = 60_000;
const TENANT_CACHE_SIZE = 10_000;

/** A JWT's `exp` in ms (read after its signature was verified), or undefined when it has none. */
function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof payload?.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The request's body within `limit` bytes; null for GET and HEAD (no promise then). */
function readBody(
  request: Request,
  limit: number,
): ArrayBuffer | null | "too large" | Promise<ArrayBuffer | "too large"> {
  if (request.method === "GET" || request.method === "HEAD") {
    return null;
  }
  return readWhole(request, limit);
}

async function readWhole(request: Request, limit: number): Promise<ArrayBuffer | "too large"> {
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

  /** The headers a service gets, in one pass over the caller's. */
  function upstreamHeaders(request: Request, requestId: string, address: string): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) {
      if (value && FORWARDED.has(name)) {
        headers[name] = value;
      }
    }
    headers["x-request-id"] = requestId;
    // Only the address the gateway resolved: a caller cannot choose what services see.
    headers["x-forwarded-for"] = address;
    return headers;
  }

  /**
   * Verified tenants by the raw Authorization header, until the token expires (at most
   * TENANT_CACHE_MS): after its first request a token costs the limiter one Map lookup.
   */
  const tenants = new Map<string, { tenant: string; until: number }>();

  /** The bearer token of an Authorization header the gateway may verify itself (a JWT), or "". */
  const jwtOf = (authorization: string | null) => {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    return !token || !options.verifyToken || token.startsWith(API_KEY_PREFIX) ? "" : token;
  };

  /**
   * The tenant of a bearer JWT the gateway verified itself; none for no token, a bad one or an API key
   * (keys are checked by calling auth, too costly here: their requests pay the address limit only).
   * null: a token not verified yet (`verifiedTenant`).
   */
  function knownTenant(authorization: string | null): string | undefined | null {
    if (!jwtOf(authorization) || authorization === null) {
      return undefined;
    }
    const known = tenants.get(authorization);
    return known && known.until > Date.now() ? known.tenant : null;
  }

  async function verifiedTenant(authorization: string | null): Promise<string | undefined> {
    const token = jwtOf(authorization);
    if (!token || !options.verifyToken || authorization === null) {
      return undefined;
    }
    let tenant: string;
    try {
      tenant = (await options.verifyToken(token)).tenantId;
    } catch {
      return undefined;
    }
    const expires = expiryOf(token);
    if (expires !== undefined) {
      if (tenants.size >= TENANT_CACHE_SIZE) {
        const oldest = tenants.keys().next().value;
        if (oldest !== undefined) {
          tenants.delete(oldest);
        }
      }
      tenants.set(authorization, { tenant, until: Math.min(expires, Date.now() + TENANT_CACHE_MS) });
    }
    return tenant;
  }

  /**
   * Takes `cost` tokens from the address's bucket, then, when the request carries a token the gateway
   * verified, from its tenant's: a forged tenant claim only ever spends the forger's address budget.
   * Synchronous once the token is known and the tenant's limits are the gateway's own.
   */
  function rateLimit(
    request: Request,
    address: string,
    cost: number,
    services: string[],
    requestId: string,
  ): Admission | Promise<Admission> {
    const retryIp = limits.ip.take(address, cost);
    if (retryIp > 0) {
      options.onRateLimited("ip", { address, tenant: undefined, services });
      return { refused: rateLimited("ip", retryIp) };
    }
    if (!limits.tenant.enabled) {
      return ADMITTED;
    }
    const authorization = request.headers.get("authorization");
    const known = knownTenant(authorization);
    const charge = { authorization, address, cost, services, requestId };
    return known === null
      ? verifiedTenant(authorization).then((tenant) => chargeTenant(tenant, charge))
      : chargeTenant(known, charge);
  }

  interface Charge {
    authorization: string | null;
    address: string;
    cost: number;
    services: string[];
    requestId: string;
  }

  function chargeTenant(tenant: string | undefined, charge: Charge): Admission | Promise<Admission> {
    if (!tenant) {
      return ADMITTED;
    }
    if (options.tenantLimits || options.sharedTenant) {
      return chargeOwnTenant(tenant, charge);
    }
    return afterTenant(tenant, limits.tenant.take(tenant, charge.cost), undefined, charge);
  }

  /** The tenant's own limits (configuration) or the shared budget (PostgreSQL): asynchronous. */
  async function chargeOwnTenant(tenant: string, charge: Charge): Promise<Admission> {
    const own =
      charge.authorization && options.tenantLimits
        ? await options.tenantLimits(tenant, charge.authorization, charge.requestId)
        : undefined;
    return afterTenant(tenant, await takeTenant(tenant, charge.cost, own), own, charge);
  }

  function afterTenant(
    tenant: string,
    retryTenant: number,
    own: BucketLimits | undefined,
    { address, cost, services }: Charge,
  ): Admission {
    if (retryTenant > 0) {
      limits.ip.refund(address, cost);
      options.onRateLimited("tenant", { address, tenant, services });
      return { refused: rateLimited("tenant", retryTenant) };
    }
    if (options.tenantInFlight > 0) {
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
    return ADMITTED;
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
    const url = new URL(request.url);
    const { pathname, search } = url;
    // URLSearchParams only when the query may name `batch` (a plain call's query is its input).
    const isBatch =
      (search.includes("batch") || search.includes("%")) && url.searchParams.get("batch") === "1";
    const calls = routeCalls(pathname.slice(TRPC.length), isBatch, table) ?? [];
    const routed = calls.filter((call): call is RoutedCall => call.error === undefined);
    const services = distinctServices(routed);
    const outcome: ProxyOutcome = {
      response: undefined as unknown as Response,
      services,
      calls: calls.length,
      procedure: pathname.slice(TRPC.length, TRPC.length + 200),
    };
    if (calls.length === 0) {
      outcome.response = trpcRefusal(unreadableRequest(), request, requestId);
      return outcome;
    }
    if (calls.length > options.maxBatchSize) {
      outcome.response = trpcRefusal(batchTooLarge(options.maxBatchSize), request, requestId);
      return outcome;
    }
    const address = clientAddress(connection);
    const admission = rateLimit(request, address, calls.length, services, requestId);
    const limit = admission instanceof Promise ? await admission : admission;
    if (limit.refused) {
      outcome.response = trpcRefusal(limit.refused, request, requestId);
      return outcome;
    }
    try {
      outcome.response = await admittedTrpc(
        request,
        requestId,
        address,
        url,
        calls,
        routed,
        services,
        isBatch,
      );
      return outcome;
    } finally {
      if (limit.holding) {
        release(limit.holding);
      }
    }
  }

  /** A /trpc request once the limits let it through. */
  async function admittedTrpc(
    request: Request,
    requestId: string,
    address: string,
    url: URL,
    calls: Call[],
    routed: RoutedCall[],
    services: string[],
    isBatch: boolean,
  ): Promise<Response> {
    const reading = readBody(request, options.maxBodyBytes);
    const body = reading instanceof Promise ? await reading : reading;
    if (body === "too large") {
      return trpcRefusal(bodyTooLarge(options.maxBodyBytes), request, requestId);
    }
    const headers = upstreamHeaders(request, requestId, address);
    const only = services.length === 1 && routed.length === calls.length ? services[0] : undefined;
    if (only) {
      // The whole request to one service, as it came but for the path: its answer (a stream too) is
      // passed on as it arrives.
      const result = await withReplicas(
        {
          service: only,
          path:
            routed.length === 1
              ? (routed[0]?.procedure ?? "")
              : routed.map((call) => call.procedure).join(","),
          search: url.search.slice(1),
          method: request.method,
          signal: request.signal,
          body,
          headers,
          pass: true,
        },
        options.upstream,
        options.replicas,
      );
      return result.ok ? passOn(result, requestId) : trpcRefusal(result.error, request, requestId);
    }
    if (!isBatch) {
      return trpcRefusal(calls[0]?.error ?? unknownProcedure(), request, requestId);
    }
    /** One service's part of a split batch: a plain JSON answer, read whole, which the gateway merges. */
    const { "trpc-accept": _streamed, accept: _accept, ...plain } = headers;
    const sendPart: SendPart = (service, path, search, payload) =>
      withReplicas(
        {
          service,
          path,
          search,
          method: request.method,
          signal: request.signal,
          body: payload,
          headers: plain,
          pass: false,
        },
        options.upstream,
        options.replicas,
      );
    const locale = localeFromHeader(request.headers.get("accept-language"));
    const stream = isStreamRequest(request.headers);
    const merged = await splitAndMerge({ calls, url, body, stream, locale, requestId }, sendPart);
    return merged.ok
      ? jsonResponse(merged.body, merged.status, requestId, { vary: "trpc-accept, accept" })
      : trpcRefusal(merged.error, request, requestId);
  }

  return { trpc, rest };
}
