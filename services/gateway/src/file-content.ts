import type { Logger } from "@vextrus/platform";
import { plainRefusal as refusal } from "./errors.ts";
import { passedHeaders, relay } from "./relay.ts";
import type { ServiceTable } from "./routing.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Headers the file-storage service needs from the caller; nothing else is passed on. */
const PASSED = ["authorization", "content-length", "content-type", "accept-language", "traceparent"];
/** A small upload may take a while on a site's mobile link; the body streams, so this bounds only time. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

/**
 * `PUT /files/<fileId>/content`: the bytes of a small pending upload, streamed on to the file-storage
 * service as they arrive (never held whole here); its answer streams back. For callers that cannot
 * reach S3's presigned URLs themselves. The service checks the token, permission, size and SHA-256.
 */
export function forwardFileContent(table: ServiceTable, log: Logger) {
  return async (request: Request, fileId: string, requestId: string): Promise<Response> => {
    const base = table.files;
    if (!base) {
      return refusal(404, "NOT_FOUND", "No file-storage service behind this gateway", requestId);
    }
    if (!UUID.test(fileId)) {
      return refusal(400, "BAD_REQUEST", "fileId: not a file id", requestId);
    }
    return relay(
      `${base}/files/${fileId}/content`,
      {
        method: "PUT",
        headers: passedHeaders(request.headers, PASSED, { "x-request-id": requestId }),
        body: request.body,
        signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
        duplex: "half",
      } as RequestInit,
      { service: "file-storage", what: "file content", requestId, log },
    );
  };
}
