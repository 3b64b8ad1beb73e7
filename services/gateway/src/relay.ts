import type { Logger } from "@vextrus/platform";
import { plainRefusal as refusal } from "./errors.ts";

/** A new `Headers` holding `base` and, of the caller's headers, only those named in `passed`. */
export function passedHeaders(
  from: Headers,
  passed: readonly string[],
  base: Record<string, string>,
): Headers {
  const headers = new Headers(base);
  for (const name of passed) {
    const value = from.get(name);
    if (value !== null) {
      headers.set(name, value);
    }
  }
  return headers;
}

/** `target` with, of the caller's query parameters, only those named in `passed`, each cut to `maxLength`. */
export function passedQuery(
  request: Request,
  target: URL,
  passed: readonly string[],
  maxLength: number,
): URL {
  const from = new URL(request.url).searchParams;
  for (const name of passed) {
    const value = from.get(name);
    if (value !== null) {
      target.searchParams.set(name, value.slice(0, maxLength));
    }
  }
  return target;
}

/**
 * Sends a caller's request on to one service and streams its answer back unread, with its status and
 * content type; a service that does not answer is a 503 naming it, never the transport's error.
 */
export async function relay(
  target: string | URL,
  init: RequestInit,
  context: {
    service: string;
    what: string;
    requestId: string;
    log: Logger;
    answerHeaders?: Record<string, string>;
    /** The service's own answer headers passed back as they came (e.g. `content-disposition`). */
    answerPassed?: readonly string[];
  },
): Promise<Response> {
  try {
    const res = await fetch(target, { ...init, redirect: "manual" });
    const headers = passedHeaders(res.headers, context.answerPassed ?? [], {
      "content-type": res.headers.get("content-type") ?? "application/json",
      ...context.answerHeaders,
    });
    headers.set("x-request-id", context.requestId);
    return new Response(res.body, { status: res.status, headers });
  } catch (error) {
    context.log.info(`${context.what} not delivered`, {
      requestId: context.requestId,
      message: error instanceof Error ? error.message : String(error),
    });
    return refusal(
      503,
      "SERVICE_UNAVAILABLE",
      `${context.service} is not answering; try again shortly`,
      context.requestId,
    );
  }
}
