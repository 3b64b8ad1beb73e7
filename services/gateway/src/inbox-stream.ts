import type { Logger } from "@vextrus/platform";
import type { ServiceTable } from "./routing.ts";

/** What the notification service needs from the caller to open a stream; nothing else is passed on. */
const PASSED = ["authorization", "last-event-id", "accept-language", "traceparent"];
const QUERY = ["ticket", "lastEventId"];

const refusal = (status: number, code: string, message: string, requestId: string) =>
  Response.json({ error: { code, message, requestId } }, { status, headers: { "x-request-id": requestId } });

/**
 * `GET /notifications/stream`: the caller's in-app messages as server-sent events, streamed on from
 * the notification service (bearer token, or `?ticket=` from `notification.inbox.streamTicket` for a
 * browser's EventSource). The stream ends when the browser goes away.
 */
export function forwardInboxStream(table: ServiceTable, log: Logger) {
  return async (request: Request, requestId: string): Promise<Response> => {
    const base = table.notification;
    if (!base) {
      return refusal(404, "NOT_FOUND", "No notification service behind this gateway", requestId);
    }
    const url = new URL(request.url);
    const target = new URL(`${base}/inbox/stream`);
    for (const name of QUERY) {
      const value = url.searchParams.get(name);
      if (value !== null) {
        target.searchParams.set(name, value.slice(0, 200));
      }
    }
    const headers = new Headers({ "x-request-id": requestId, accept: "text/event-stream" });
    for (const name of PASSED) {
      const value = request.headers.get(name);
      if (value !== null) {
        headers.set(name, value);
      }
    }
    try {
      const res = await fetch(target, { headers, redirect: "manual", signal: request.signal });
      return new Response(res.body, {
        status: res.status,
        headers: {
          "content-type": res.headers.get("content-type") ?? "application/json",
          "cache-control": "no-store",
          "x-accel-buffering": "no",
          "x-request-id": requestId,
        },
      });
    } catch (error) {
      log.info("inbox stream not opened", {
        requestId,
        message: error instanceof Error ? error.message : String(error),
      });
      return refusal(
        503,
        "SERVICE_UNAVAILABLE",
        "notification is not answering; try again shortly",
        requestId,
      );
    }
  };
}
