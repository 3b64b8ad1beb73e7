/**
 * `Idempotency-Key` on any POST through the gateway (every mutation, on /api and /trpc): the first
 * request with a key runs; its answer is stored in PostgreSQL and replayed to every retry with the
 * same key (`idempotent-replayed: true`), so a retry after a lost answer writes nothing twice. The
 * first request runs to the end even if its caller goes away, so there is an answer to replay.
 */
import { type Locale, localeFromHeader, restError } from "@vextrus/platform";
import type { IdempotencyStore } from "./db/idempotency-store.ts";
import { errorItem, GatewayError } from "./errors.ts";

export { type IdempotencyStore, idempotencyStore } from "./db/idempotency-store.ts";

const KEY = /^[\x21-\x7e]{1,255}$/;
const sha256 = (data: string | ArrayBuffer) => new Bun.CryptoHasher("sha256").update(data).digest("hex");
/** Response headers stored and replayed with the answer. */
const KEPT = ["content-type", "retry-after", "allow"];

const text = {
  invalid: {
    en: "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good key)",
    bn: "Idempotency-Key-এ ১ থেকে ২৫৫টি দৃশ্যমান ASCII অক্ষর থাকতে হবে (একটি UUID ভালো কী)",
  },
  unavailable: {
    en: "This gateway has no database for Idempotency-Key (set its DATABASE_URL); send the request without the header",
    bn: "এই গেটওয়েতে Idempotency-Key-এর জন্য ডাটাবেস নেই (DATABASE_URL দিন); হেডার ছাড়া অনুরোধ পাঠান",
  },
  busy: {
    en: "A request with this Idempotency-Key is still running; retry in a moment to get its answer",
    bn: "এই Idempotency-Key-সহ একটি অনুরোধ এখনও চলছে; এর উত্তর পেতে একটু পরে আবার চেষ্টা করুন",
  },
  mismatch: {
    en: "This Idempotency-Key was used for a different request; use a new key for a new request",
    bn: "এই Idempotency-Key অন্য একটি অনুরোধে ব্যবহৃত হয়েছে; নতুন অনুরোধের জন্য নতুন কী দিন",
  },
};

function refuse(error: GatewayError, rest: boolean, locale: Locale, requestId: string): Response {
  const headers = { "x-request-id": requestId };
  return rest
    ? restError(error.kind, error.appCode, error.text, locale, requestId, headers)
    : Response.json(errorItem(error, locale, requestId), { status: error.httpStatus, headers });
}

/**
 * Wraps a handler of /api or /trpc requests: a POST with `Idempotency-Key` runs once per (caller,
 * key); without the header (or for GET) the handler runs as usual.
 */
export function withIdempotency(store: IdempotencyStore | undefined) {
  return async function idempotent(
    request: Request,
    requestId: string,
    handle: (request: Request) => Promise<Response>,
  ): Promise<Response> {
    const key = request.headers.get("idempotency-key");
    if (key === null || request.method !== "POST") {
      return handle(request);
    }
    const rest = new URL(request.url).pathname.startsWith("/api/");
    const locale = localeFromHeader(request.headers.get("accept-language"));
    if (!KEY.test(key)) {
      return refuse(
        new GatewayError("VALIDATION", "idempotency.key.invalid", text.invalid),
        rest,
        locale,
        requestId,
      );
    }
    if (!store) {
      return refuse(
        new GatewayError("VALIDATION", "idempotency.unavailable", text.unavailable),
        rest,
        locale,
        requestId,
      );
    }
    const body = await request.arrayBuffer();
    const url = new URL(request.url);
    const scope = sha256(request.headers.get("authorization") ?? "");
    const fingerprint = sha256(`POST ${url.pathname}${url.search}\n${sha256(body)}`);
    const begun = await store.begin(scope, key, fingerprint);
    if (begun.kind === "replay") {
      return new Response(begun.body, {
        status: begun.status,
        headers: { ...begun.headers, "idempotent-replayed": "true", "x-request-id": requestId },
      });
    }
    if (begun.kind !== "new") {
      const error =
        begun.kind === "busy"
          ? new GatewayError("CONFLICT", "idempotency.in_progress", text.busy, undefined, 1)
          : new GatewayError("VALIDATION", "idempotency.key.reused", text.mismatch);
      return refuse(error, rest, locale, requestId);
    }
    // A request of our own, without the caller's abort signal: the work finishes and its answer is
    // kept even when the caller has gone.
    let response: Response;
    let answer: string;
    try {
      response = await handle(new Request(request.url, { method: "POST", headers: request.headers, body }));
      answer = await response.text();
    } catch (error) {
      await store.abandon(scope, key);
      throw error;
    }
    if (response.status >= 500) {
      await store.abandon(scope, key);
    } else {
      const kept: Record<string, string> = {};
      for (const name of KEPT) {
        const value = response.headers.get(name);
        if (value) {
          kept[name] = value;
        }
      }
      await store.finish(scope, key, response.status, kept, answer);
    }
    return new Response(answer, { status: response.status, headers: response.headers });
  };
}
