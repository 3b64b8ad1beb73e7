import { currentTraceparent, endSpan, startSpan, traceparentOfSpan, tracingOn } from "@vextrus/platform";
import { type GatewayError, serviceGarbled, serviceTimeout, serviceUnavailable } from "./errors.ts";
import { type Http1Client, Http1Error } from "./http1.ts";

/** One HTTP request to one service's /trpc (or /api) endpoint. */
export interface UpstreamRequest {
  service: string;
  baseUrl: string;
  /** The service's own procedure path(s): `departments.create` or `a.get,b.list`. */
  path: string;
  /** Query string without `?` (`batch=1&input=…`), or "". */
  search: string;
  method: string;
  /** Lower-case names; nothing else is sent but `host` (and `content-length` with a body). */
  headers: Readonly<Record<string, string>>;
  body: ArrayBuffer | string | null;
  /**
   * true: a JSON answer (or a JSON-lines stream) is handed on as it arrives; false: it is read whole
   * (the gateway merges it with other services' answers).
   */
  pass: boolean;
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  /** The service's endpoint: `trpc` (default) or `api` (plain JSON, see @vextrus/platform rest.ts). */
  endpoint?: "trpc" | "api";
}

export type UpstreamResult =
  | { ok: true; status: number; headers: Headers; text: string; body?: undefined }
  | {
      ok: true;
      status: number;
      headers: Headers;
      /** A stream (fetch's), or the whole answer (the keep-alive client's). */
      body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer>;
      text?: undefined;
    }
  | {
      ok: false;
      error: GatewayError;
      /**
       * Why nothing came back, when the service was not reached: `refused` (the connection was refused,
       * so the request never left) or `failed` (the connection broke; a mutation may have run).
       */
      unreached?: "refused" | "failed" | undefined;
    };

export interface UpstreamOptions {
  timeoutMs: number;
  /** Called once per request with the service, the outcome (HTTP status, `timeout`, `unavailable`) and seconds. */
  observe: (service: string, outcome: string, seconds: number) => void;
  /**
   * Keep-alive connections for plain-JSON requests to http: services (http1.ts); none, or a stream
   * request, or an https: service: fetch.
   */
  client?: Http1Client | undefined;
}

const isStream = (headers: Readonly<Record<string, string>>) =>
  headers["trpc-accept"] === "application/jsonl" || headers.accept === "application/jsonl";

/**
 * The answer's headers if it is JSON. tRPC answers JSON, though some of its own refusals (415) are
 * labelled application/octet-stream: those are relabelled; anything unreadable is undefined.
 */
function jsonHeaders(headers: Headers, text: string): Headers | undefined {
  if ((headers.get("content-type") ?? "").includes("application/json")) {
    return headers;
  }
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  const relabelled = new Headers(headers);
  relabelled.set("content-type", "application/json");
  return relabelled;
}

/**
 * Sends the request and waits at most `timeoutMs` for the answer (its headers when it is passed on,
 * all of it when it is read). A refused connection or a timeout becomes UNAVAILABLE naming the
 * service; nothing is retried here (`withReplicas` decides what may go to another replica).
 */
export async function callUpstream(
  request: UpstreamRequest,
  options: UpstreamOptions,
): Promise<UpstreamResult> {
  if (
    options.client &&
    !tracingOn() &&
    !isStream(request.headers) &&
    options.client.canServe(request.baseUrl)
  ) {
    return callKeepAlive(request, options, options.client);
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  request.signal.addEventListener("abort", () => controller.abort(), { once: true });
  const signal = controller.signal;
  const url = `${request.baseUrl}/${request.endpoint ?? "trpc"}/${request.path}${request.search ? `?${request.search}` : ""}`;
  const started = performance.now();
  // With tracing on, a client span (child of the gateway's request span) that the service continues.
  const span = tracingOn()
    ? startSpan(
        {
          service: "gateway",
          name: `${request.method} ${request.service}`,
          kind: "client",
          attributes: {
            "http.request.method": request.method,
            "server.address": request.baseUrl,
            "rpc.service": request.service,
            "rpc.method": request.path.slice(0, 200),
          },
        },
        currentTraceparent(),
      )
    : undefined;
  const sent = span ? { ...request.headers, traceparent: traceparentOfSpan(span) } : request.headers;
  const observe = (outcome: string) => {
    options.observe(request.service, outcome, (performance.now() - started) / 1000);
    if (span) {
      span.setAttribute("vextrus.upstream.outcome", outcome);
      endSpan(span, /^\d+$/.test(outcome) && Number(outcome) < 500 ? undefined : outcome);
    }
  };
  try {
    const res = await fetch(url, {
      method: request.method,
      headers: sent,
      body: request.body,
      signal,
      redirect: "manual",
    });
    if (request.pass && res.body && (res.headers.get("content-type") ?? "").includes("application/json")) {
      // tRPC writes a JSON answer whole once it is computed, so its headers mean the body is on its
      // way; a stream (also labelled JSON) may take as long as its procedures. The deadline covers
      // the headers only.
      clearTimeout(timer);
      observe(String(res.status));
      return { ok: true, status: res.status, headers: res.headers, body: res.body };
    }
    const text = await res.text();
    observe(String(res.status));
    const headers = jsonHeaders(res.headers, text);
    if (!headers) {
      return { ok: false, error: serviceGarbled(request.service) };
    }
    return { ok: true, status: res.status, headers, text };
  } catch (error) {
    if (timedOut) {
      observe("timeout");
      return { ok: false, error: serviceTimeout(request.service, options.timeoutMs) };
    }
    observe("unavailable");
    const refused = (error as { code?: unknown } | null)?.code === "ECONNREFUSED";
    return {
      ok: false,
      error: serviceUnavailable(request.service),
      unreached: request.signal.aborted ? undefined : refused ? "refused" : "failed",
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * callUpstream over the gateway's keep-alive connections (http1.ts): the same outcomes, deadline and
 * metrics as with fetch. The answer is read whole (a plain JSON answer, as tRPC writes it).
 */
async function callKeepAlive(
  request: UpstreamRequest,
  options: UpstreamOptions,
  client: Http1Client,
): Promise<UpstreamResult> {
  const started = performance.now();
  let headerLines = "";
  for (const name in request.headers) {
    headerLines += `${name}: ${request.headers[name]}\r\n`;
  }
  const endpoint = request.endpoint ?? "trpc";
  const call = client.request(request.baseUrl, {
    method: request.method,
    target: `/${endpoint}/${request.path}${request.search ? `?${request.search}` : ""}`,
    headerLines,
    body: request.body,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    call.abort();
  }, options.timeoutMs);
  const { signal } = request;
  if (signal.aborted) {
    call.abort();
  } else {
    signal.addEventListener("abort", call.abort, { once: true });
  }
  try {
    const answer = await call.answer;
    options.observe(request.service, String(answer.status), (performance.now() - started) / 1000);
    const headers = answer.headers;
    if (request.pass && (headers.get("content-type") ?? "").includes("application/json")) {
      return { ok: true, status: answer.status, headers, body: answer.body };
    }
    const text = new TextDecoder().decode(answer.body);
    const json = jsonHeaders(headers, text);
    if (!json) {
      return { ok: false, error: serviceGarbled(request.service) };
    }
    return { ok: true, status: answer.status, headers: json, text };
  } catch (error) {
    const seconds = (performance.now() - started) / 1000;
    if (timedOut) {
      options.observe(request.service, "timeout", seconds);
      return { ok: false, error: serviceTimeout(request.service, options.timeoutMs) };
    }
    options.observe(request.service, "unavailable", seconds);
    const refused = error instanceof Http1Error && error.code === "ECONNREFUSED";
    return {
      ok: false,
      error: serviceUnavailable(request.service),
      unreached: signal.aborted ? undefined : refused ? "refused" : "failed",
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", call.abort);
  }
}

/**
 * callUpstream on the service's next ready replica. When that replica could not be reached, it is
 * skipped from then on (until its readiness returns) and the request goes to one other replica if
 * the service has one and it is safe: a query (GET) whatever broke, a mutation only when the
 * connection was refused (it never left, so it cannot have run). A mutation is never sent twice.
 */
export async function withReplicas(
  request: Omit<UpstreamRequest, "baseUrl">,
  options: UpstreamOptions,
  replicas: {
    pick(service: string, except?: string): string | undefined;
    markDown(service: string, url: string, why: string): void;
    count(service: string): number;
  },
): Promise<UpstreamResult> {
  const first = replicas.pick(request.service) ?? "";
  const result = await callUpstream({ ...request, baseUrl: first }, options);
  if (result.ok || !result.unreached || replicas.count(request.service) < 2) {
    return result;
  }
  replicas.markDown(request.service, first, `a request was not delivered (${result.unreached})`);
  const safe = request.method === "GET" || request.method === "HEAD" || result.unreached === "refused";
  const second = safe ? replicas.pick(request.service, first) : undefined;
  return second && second !== first ? callUpstream({ ...request, baseUrl: second }, options) : result;
}
