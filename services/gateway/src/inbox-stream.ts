import type { Logger } from "@vextrus/platform";
import { plainRefusal as refusal } from "./errors.ts";
import { passedHeaders, passedQuery, relay } from "./relay.ts";
import type { ServiceTable } from "./routing.ts";

/** What the notification service needs from the caller to open a stream; nothing else is passed on. */
const PASSED = ["authorization", "last-event-id", "accept-language", "traceparent"];
const QUERY = ["ticket", "lastEventId"];

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
    const target = passedQuery(request, new URL(`${base}/inbox/stream`), QUERY, 200);
    const headers = passedHeaders(request.headers, PASSED, {
      "x-request-id": requestId,
      accept: "text/event-stream",
    });
    return relay(
      target,
      { headers, signal: request.signal },
      {
        service: "notification",
        what: "inbox stream",
        requestId,
        log,
        answerHeaders: { "cache-control": "no-store", "x-accel-buffering": "no" },
      },
    );
  };
}
