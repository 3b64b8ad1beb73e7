/**
 * Plain JSON over HTTP for every procedure: `POST /api/<procedure>` with the bare input as the body
 * (or none), and `GET /api/<procedure>?field=…` for queries with flat inputs. The request is handed
 * to the service's own tRPC handler (same context, auth, errors and logs), and its answer is
 * unwrapped: the result's JSON as the body, or `{ error: { code, kind, appCode, message, requestId,
 * issues? } }` with the error's HTTP status.
 */
import { type Bilingual, ERROR_KINDS, type ErrorKind } from "./errors.ts";
import { type Locale, localeFromHeader } from "./locale.ts";
import { type RestProcedure, scalarTypes } from "./openapi.ts";

export interface RestError {
  code: string;
  kind: string;
  appCode: string;
  message: string;
  requestId: string;
  issues?: { path: string; code: string; message: string }[];
}

/** A refusal of the REST layer itself, in the same body the procedures' errors are unwrapped to. */
export function restError(
  kind: ErrorKind,
  appCode: string,
  text: Bilingual,
  locale: Locale,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  const { trpc, http } = ERROR_KINDS[kind];
  const error: RestError = { code: trpc, kind, appCode, message: text[locale], requestId };
  return Response.json({ error }, { status: http, headers });
}

const UNKNOWN = (name: string): Bilingual => ({
  en: `No procedure named ${name}`,
  bn: `${name} নামে কোনো প্রসিডিউর নেই`,
});
const UNPARSABLE: Bilingual = {
  en: "The request body is not valid JSON: send the procedure's input as a JSON document",
  bn: "অনুরোধের বিষয়বস্তু বৈধ JSON নয়: প্রসিডিউরের ইনপুট JSON হিসেবে পাঠান",
};
const POST_ONLY = (name: string): Bilingual => ({
  en: `${name} changes state (or takes a nested input): call it with POST and a JSON body`,
  bn: `${name} অবস্থা পরিবর্তন করে (বা জটিল ইনপুট নেয়): JSON বডিসহ POST দিয়ে কল করুন`,
});

/** A query parameter as its field's JSON type: `limit=10` is 10, `active=true` is true. */
function coerce(value: string, schema: Record<string, unknown> | undefined): unknown {
  const types = scalarTypes(schema) ?? new Set(["string"]);
  if (types.has("null") && value === "null") {
    return null;
  }
  if (
    (types.has("number") || types.has("integer")) &&
    value.trim() !== "" &&
    Number.isFinite(Number(value))
  ) {
    return Number(value);
  }
  if (types.has("boolean") && (value === "true" || value === "false")) {
    return value === "true";
  }
  return value;
}

function inputFromQuery(url: URL, procedure: RestProcedure): unknown {
  const properties = (procedure.input?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const input: Record<string, unknown> = {};
  for (const [name, value] of url.searchParams) {
    input[name] = coerce(value, properties[name]);
  }
  return Object.keys(input).length === 0 && procedure.inputOptional ? undefined : input;
}

/** superjson's envelope of a plain JSON input: ISO strings at Date fields are marked as Dates. */
function envelope(input: unknown, procedure: RestProcedure) {
  const values: Record<string, ["Date"]> = {};
  for (const path of procedure.datePaths) {
    let at: unknown = input;
    for (const key of path.split(".")) {
      at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined;
    }
    if (typeof at === "string") {
      values[path] = ["Date"];
    }
  }
  return Object.keys(values).length > 0 ? { json: input, meta: { values } } : { json: input };
}

interface TrpcAnswer {
  result?: { data?: { json?: unknown } };
  error?: { json?: { message?: string; data?: Record<string, unknown> } };
}

/** tRPC's answer as the REST body: the result's JSON, or the error unwrapped, with its HTTP status. */
async function unwrap(response: Response, requestId: string): Promise<Response> {
  const answer = (await response.json()) as TrpcAnswer;
  const headers = { "x-request-id": requestId };
  if (answer.result) {
    return Response.json(answer.result.data?.json ?? null, { status: response.status, headers });
  }
  const { message = "", data = {} } = answer.error?.json ?? {};
  const error: RestError = {
    code: String(data.code ?? "INTERNAL_SERVER_ERROR"),
    kind: String(data.kind ?? "INTERNAL"),
    appCode: String(data.appCode ?? "internal"),
    message,
    requestId: String(data.requestId ?? requestId),
    ...(Array.isArray(data.issues) ? { issues: data.issues as RestError["issues"] } : {}),
  };
  const retryAfter = response.headers.get("retry-after");
  return Response.json(
    { error },
    {
      status: Number(data.httpStatus ?? response.status),
      headers: retryAfter ? { ...headers, "retry-after": retryAfter } : headers,
    },
  );
}

/**
 * The REST endpoint of a service. `trpc` runs a tRPC request through the service's own handler (the
 * same context, auth and error formatting as /trpc).
 */
export function createRestHandler(
  procedures: ReadonlyMap<string, RestProcedure>,
  trpc: (request: Request) => Promise<Response>,
) {
  return async function rest(request: Request, name: string, requestId: string): Promise<Response> {
    const locale = localeFromHeader(request.headers.get("accept-language"));
    const procedure = procedures.get(name);
    if (!procedure) {
      return restError("NOT_FOUND", "rest.procedure.unknown", UNKNOWN(name), locale, requestId);
    }
    const url = new URL(request.url);
    let input: unknown;
    if (request.method === "GET") {
      if (!procedure.gettable) {
        return restError("VALIDATION", "rest.method.post_only", POST_ONLY(name), locale, requestId, {
          allow: "POST",
        });
      }
      input = inputFromQuery(url, procedure);
    } else {
      const text = await request.text();
      try {
        input = text.trim() === "" ? undefined : JSON.parse(text);
      } catch {
        return restError("VALIDATION", "input.unparsable", UNPARSABLE, locale, requestId);
      }
    }
    const payload = JSON.stringify(envelope(input, procedure));
    const headers = new Headers(request.headers);
    headers.delete("content-length");
    headers.set("content-type", "application/json");
    const target = new URL(`/trpc/${name}`, url);
    const inner =
      procedure.type === "query"
        ? new Request(`${target}?input=${encodeURIComponent(payload)}`, { method: "GET", headers })
        : new Request(target, { method: "POST", headers, body: payload });
    return unwrap(await trpc(inner), requestId);
  };
}
