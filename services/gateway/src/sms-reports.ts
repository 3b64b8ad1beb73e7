import type { Logger } from "@vextrus/platform";
import { plainRefusal as refusal } from "./errors.ts";
import { passedHeaders, relay } from "./relay.ts";
import type { ServiceTable } from "./routing.ts";

/** What the notification service checks a report by; nothing else is passed on. */
const PASSED = ["content-type", "x-twilio-signature", "traceparent"];
/** A provider's report is a small form or JSON document. */
const MAX_BYTES = 1_000_000;
const PROVIDER = /^[a-z][a-z-]{1,30}$/;

/**
 * `POST /sms-reports/<provider>`: an SMS provider's delivery reports, passed on to the notification
 * service. Public (providers hold no Vextrus token): notification authenticates each report by the
 * provider's signature (Twilio's `X-Twilio-Signature` over its `SMS_REPORT_URL`, which is this URL) or
 * the secret `?token=` the callback URL carries, and refuses the rest.
 */
export function forwardSmsReports(table: ServiceTable, log: Logger) {
  return async (request: Request, provider: string, requestId: string): Promise<Response> => {
    const base = table.notification;
    if (!base) {
      return refusal(404, "NOT_FOUND", "No notification service behind this gateway", requestId);
    }
    if (!PROVIDER.test(provider)) {
      return refusal(404, "NOT_FOUND", "No such SMS provider", requestId);
    }
    const body = await request.arrayBuffer();
    if (body.byteLength > MAX_BYTES) {
      return refusal(413, "PAYLOAD_TOO_LARGE", "A delivery report is at most 1 MB", requestId);
    }
    const target = new URL(`${base}/sms-reports/${provider}`);
    target.search = new URL(request.url).search;
    return relay(
      target,
      {
        method: "POST",
        headers: passedHeaders(request.headers, PASSED, { "x-request-id": requestId }),
        body,
        signal: AbortSignal.timeout(30_000),
      },
      { service: "notification", what: "sms report", requestId, log },
    );
  };
}
