/**
 * The common tRPC request, answered without tRPC's fetch adapter: one call (no batch) to a known
 * query by GET or mutation by POST with a JSON body. The procedure is called directly, as tRPC's own
 * handler calls it (the same middlewares, input parsing, transformer, error formatter and `onError`),
 * and the answer is written in tRPC's wire format: the same body, status and headers. Anything else
 * (batches, a method the procedure does not take, other content types, streaming, encoded paths,
 * unknown procedures) returns undefined and goes to tRPC's handler, which answers it as before.
 *
 * Why: tRPC's handler builds a URL, a Headers object, two abort controllers, a batch of one, a
 * response-meta pass and several spread copies per request; for a primary-key read that was about a
 * third of the kit's CPU per request (bench:platform, issue #21). test/trpc-direct.test.ts answers
 * every kind of request both ways and compares the answers.
 */
import type { AnyProcedure, AnyRouter } from "@trpc/server";
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  TRPCError,
} from "@trpc/server/unstable-core-do-not-import";

/** tRPC's `onError` as the service passes it to the fetch handler. */
type OnError = (opts: {
  error: TRPCError;
  path: string | undefined;
  input: unknown;
  ctx: unknown;
  type: ProcedureType;
  req: Request;
}) => void;

type ProcedureType = "query" | "mutation" | "subscription" | "unknown";

/** Where a failed call was: its procedure and its input (as far as it was read). */
interface CallAt {
  path: string;
  input: CallInput;
}

/** The headers tRPC's handler sends with a single call's answer. */
const HEADERS = { vary: "trpc-accept, accept", "content-type": "application/json" } as const;

/** A media type without parameters, lower case (`application/json; charset=utf-8` → `application/json`). */
function mediaType(header: string | null): string | undefined {
  if (header === null) {
    return undefined;
  }
  const semicolon = header.indexOf(";");
  return (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/** What tRPC refuses to send in a non-streaming answer (an object holding promises or iterables). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) {
    return false;
  }
  if (isAsyncIterable(value)) {
    return true;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (isPromise(item) || isAsyncIterable(item)) {
      return true;
    }
  }
  return false;
}

/** One call's raw input, read and deserialised once, as tRPC's handler does (`memo` in resolveResponse). */
class CallInput {
  private promise: Promise<unknown> | undefined;
  /** The deserialised input once read (tRPC hands it to `onError` and the error formatter). */
  value: unknown;

  constructor(
    private readonly router: AnyRouter,
    private readonly request: Request,
    private readonly query: URLSearchParams | undefined,
  ) {}

  readonly read = (): Promise<unknown> => {
    this.promise ??= this.parse().then(
      (value) => {
        this.value = value;
        return value;
      },
      (cause: unknown) => {
        if (cause instanceof TRPCError) {
          throw cause;
        }
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: cause instanceof Error ? cause.message : "Invalid input",
          cause,
        });
      },
    );
    return this.promise;
  };

  private async parse(): Promise<unknown> {
    let wire: unknown;
    if (this.query) {
      const text = this.query.get("input");
      if (text) {
        wire = JSON.parse(text);
      }
    } else {
      const body = await this.request.text();
      if (body) {
        wire = JSON.parse(body);
      }
    }
    return wire === undefined ? undefined : this.router._def._config.transformer.input.deserialize(wire);
  }
}

/**
 * A direct caller for `router`: `call(request, path, createContext)` answers a single query or
 * mutation as tRPC's fetch handler would, or returns undefined for tRPC's handler to answer.
 */
export function createDirectCaller(router: AnyRouter, onError: OnError) {
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  const config = router._def._config;

  /**
   * An error answer as tRPC writes it: `onError`, the formatted shape, the status it implies. A
   * failure of the call itself names its path and input; one after it (a stream-like result, an
   * answer that cannot be serialised) names neither, as tRPC's outer catch does.
   */
  function errorAnswer(cause: unknown, req: Request, ctx: unknown, type: ProcedureType, call?: CallAt) {
    const error = getTRPCErrorFromUnknown(cause);
    const path = call?.path;
    const input = call?.input.value;
    onError({ error, path, input, ctx, type, req });
    const shape = getErrorShape({ config, ctx, error, input, path: path as string, type });
    const status = getHTTPStatusCode([{ error: shape }], [error]);
    const body = JSON.stringify({ error: config.transformer.output.serialize(shape) });
    return new Response(body, { status, headers: HEADERS });
  }

  return async function call<Ctx>(
    req: Request,
    path: string,
    createContext: () => Promise<Ctx>,
  ): Promise<Response | undefined> {
    if (path.includes(",") || path.includes("%") || !Object.hasOwn(procedures, path)) {
      return undefined;
    }
    const procedure = procedures[path];
    const type = procedure?._def.type;
    if (!procedure || req.headers.has("trpc-accept") || req.headers.get("accept")?.includes("jsonl")) {
      return undefined;
    }
    let query: URLSearchParams | undefined;
    if (req.method === "GET" && type === "query") {
      const contentType = mediaType(req.headers.get("content-type"));
      if (contentType !== undefined && contentType !== "application/json") {
        return undefined;
      }
      const at = req.url.indexOf("?");
      query = new URLSearchParams(at === -1 ? "" : req.url.slice(at + 1));
      if (query.get("batch") === "1" || query.has("connectionParams")) {
        return undefined;
      }
    } else if (req.method === "POST" && type === "mutation") {
      if (mediaType(req.headers.get("content-type")) !== "application/json") {
        return undefined;
      }
      const at = req.url.indexOf("?");
      if (at !== -1 && new URLSearchParams(req.url.slice(at + 1)).get("batch") === "1") {
        return undefined;
      }
    } else {
      return undefined;
    }
    const input = new CallInput(router, req, query);
    const at: CallAt = { path, input };
    let ctx: Ctx | undefined;
    try {
      ctx = await createContext();
    } catch (cause) {
      return errorAnswer(cause, req, undefined, type, at);
    }
    let data: unknown;
    try {
      data = await procedure({ path, getRawInput: input.read, ctx, type, signal: req.signal, batchIndex: 0 });
    } catch (cause) {
      return errorAnswer(cause, req, ctx, type, at);
    }
    let body: string;
    try {
      if (isDataStream(data)) {
        throw new TRPCError({
          code: "UNSUPPORTED_MEDIA_TYPE",
          message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
        });
      }
      body = JSON.stringify({ result: { data: config.transformer.output.serialize(data) } });
    } catch (cause) {
      return errorAnswer(cause, req, ctx, type);
    }
    return new Response(body, { status: 200, headers: HEADERS });
  };
}
