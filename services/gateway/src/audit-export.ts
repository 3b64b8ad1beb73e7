import type { Logger } from "@vextrus/platform";
import { plainRefusal as refusal } from "./errors.ts";
import { passedHeaders, passedQuery, relay } from "./relay.ts";
import type { ServiceTable } from "./routing.ts";

/** What the audit service needs from the caller; nothing else is passed on. */
const PASSED = ["authorization", "accept-language", "traceparent"];
/** The export's filters (audit's EntryFilter); any other parameter is dropped. */
const QUERY = ["subjectType", "subjectId", "actorId", "typePrefix", "from", "to"];

/**
 * `GET /audit/export.csv?…`: the tenant's filtered audit log as CSV, streamed on from the audit
 * service's own export (bearer token, `audit:event:export`; audit checks both). The console's
 * "download every matching row" uses it: all of them, not only those on screen.
 */
export function forwardAuditExport(table: ServiceTable, log: Logger) {
  return async (request: Request, requestId: string): Promise<Response> => {
    const base = table.audit;
    if (!base) {
      return refusal(404, "NOT_FOUND", "No audit service behind this gateway", requestId);
    }
    const target = passedQuery(request, new URL(`${base}/export.csv`), QUERY, 300);
    const headers = passedHeaders(request.headers, PASSED, { "x-request-id": requestId });
    return relay(
      target,
      { headers, signal: request.signal },
      {
        service: "audit",
        what: "audit export",
        requestId,
        log,
        answerHeaders: { "cache-control": "no-store" },
        answerPassed: ["content-disposition"],
      },
    );
  };
}
