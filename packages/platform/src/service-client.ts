import { createTRPCUntypedClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { z } from "zod";
import { assertNoOpenTransaction } from "./db/guard.ts";
import { AppError, type ErrorKind } from "./errors.ts";
import { endSpan, startSpan, traceparentOfSpan } from "./telemetry.ts";
import { childTraceparent } from "./trace.ts";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * What a call to another service carries from the request it serves. A procedure's `ctx` satisfies
 * it, so a verb passes its own context and the caller's token, request id and trace go along.
 */
export interface CallContext {
  requestId: string;
  traceparent?: string | undefined;
  /**
   * Sent as is: the caller's own Authorization header (their permissions apply there too), or a
   * service credential (`Bearer <short-lived service token>`) for calls made on the service's behalf.
   */
  authorization?: string | undefined;
}

export interface ServiceClientOptions {
  /** The other service's name, as messages name it (`organization`, `rules-engine`). */
  service: string;
  /** Its base URL, e.g. `http://127.0.0.1:3002` (tRPC is served at `/trpc`). */
  url: string;
  /** Deadline of each call (a service's `UPSTREAM_TIMEOUT_MS`); past it the call is UNAVAILABLE. */
  timeoutMs: number;
  /** An in-process app's fetch (tests, embedded start); the global fetch otherwise. */
  fetch?: Fetch | undefined;
  /** The calling service, naming its client spans when tracing is on (default `service-client`). */
  caller?: string | undefined;
}

/**
 * Another Vextrus service over HTTP tRPC. Answers are checked against `output` (the contract this
 * caller relies on; extra fields are dropped), so a caller gets typed data or an AppError.
 */
export type ServiceCall = <S extends z.ZodType>(
  path: string,
  input: unknown,
  output: S,
  call: CallContext,
) => Promise<z.output<S>>;

export interface ServiceClient {
  readonly service: string;
  query: ServiceCall;
  mutation: ServiceCall;
}

/** The other service's refusals keep their kind; its failures, a timeout or no answer are UNAVAILABLE. */
const REFUSALS: Partial<Record<string, ErrorKind>> = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  CONFLICT: "CONFLICT",
  BAD_REQUEST: "VALIDATION",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
};

interface RemoteData {
  code?: unknown;
  appCode?: unknown;
  issues?: { path?: unknown }[];
}

type Headers = Record<string, string>;

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const fetchImpl = options.fetch ?? fetch;
  const client = createTRPCUntypedClient({
    links: [
      httpLink({
        url: `${options.url.replace(/\/$/, "")}/trpc`,
        transformer: superjson,
        headers: ({ op }) => op.context as Headers,
        fetch: (url, init) => fetchImpl(String(url), init as RequestInit),
      }),
    ],
  });

  async function call<S extends z.ZodType>(
    type: "query" | "mutation",
    path: string,
    input: unknown,
    output: S,
    ctx: CallContext,
  ): Promise<z.output<S>> {
    // A round trip inside a transaction holds its locks meanwhile, and on the embedded database
    // (one connection) the other service's own transaction would wait for this one forever.
    assertNoOpenTransaction(`A call to ${options.service} (${path})`);
    // With tracing on, a client span (a child of the caller's) whose id the other service continues.
    const span = startSpan(
      {
        service: options.caller ?? "service-client",
        name: `${options.service}/${path}`,
        kind: "client",
        attributes: { "rpc.system": "trpc", "rpc.service": options.service, "rpc.method": path },
      },
      ctx.traceparent,
    );
    const headers: Headers = {
      "x-request-id": ctx.requestId,
      "accept-language": "en",
      traceparent: span ? traceparentOfSpan(span) : childTraceparent(ctx.traceparent ?? ""),
    };
    if (ctx.authorization) {
      headers.authorization = ctx.authorization;
    }
    const signal = AbortSignal.timeout(options.timeoutMs);
    let answer: unknown;
    try {
      answer =
        type === "query"
          ? await client.query(path, input, { context: headers, signal })
          : await client.mutation(path, input, { context: headers, signal });
    } catch (error) {
      const failure = remoteError(options, path, error, signal.aborted);
      endSpan(span, failure);
      throw failure;
    }
    const parsed = output.safeParse(answer);
    if (!parsed.success) {
      const failure = unavailable("upstream.contract", {
        en: `${options.service} answered ${path} in an unexpected shape`,
        bn: `${options.service} ${path} এর উত্তর অপ্রত্যাশিত আকারে দিয়েছে`,
      });
      endSpan(span, failure);
      throw failure;
    }
    endSpan(span);
    return parsed.data;
  }

  return {
    service: options.service,
    query: (path, input, output, ctx) => call("query", path, input, output, ctx),
    mutation: (path, input, output, ctx) => call("mutation", path, input, output, ctx),
  };
}

const unavailable = (code: string, text: { en: string; bn: string }) =>
  new AppError("UNAVAILABLE", code, text);

function remoteError(
  options: ServiceClientOptions,
  path: string,
  error: unknown,
  timedOut: boolean,
): AppError {
  const name = options.service;
  if (timedOut) {
    return unavailable("upstream.timeout", {
      en: `${name} did not answer within ${options.timeoutMs} ms; try again shortly`,
      bn: `${name} ${options.timeoutMs} মিলিসেকেন্ডের মধ্যে সাড়া দেয়নি; একটু পরে আবার চেষ্টা করুন`,
    });
  }
  const data = error instanceof TRPCClientError ? (error.data as RemoteData | null | undefined) : undefined;
  const kind = typeof data?.code === "string" ? REFUSALS[data.code] : undefined;
  if (error instanceof TRPCClientError && kind) {
    const code = typeof data?.appCode === "string" ? data.appCode : `upstream.${kind.toLowerCase()}`;
    const field = data?.issues?.[0]?.path;
    return new AppError(
      kind,
      code,
      {
        en: `${name} refused ${path}: ${error.message}`,
        bn: `${name} ${path} প্রত্যাখ্যান করেছে: ${error.message}`,
      },
      typeof field === "string" ? field : undefined,
    );
  }
  return unavailable("upstream.unavailable", {
    en: `${name} is not answering; try again shortly`,
    bn: `${name} সাড়া দিচ্ছে না; একটু পরে আবার চেষ্টা করুন`,
  });
}
