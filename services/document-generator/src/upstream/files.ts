import { AppError, type CallContext, type Fetch, type ServiceClient } from "@vextrus/platform";
import { z } from "zod";

const FileRef = z.object({ id: z.uuid(), sha256: z.string(), size: z.number() });
const Created = z.object({ file: FileRef });
const Link = z.object({ url: z.string(), expiresAt: z.coerce.date() });

export interface StoreInput {
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  /** `application/pdf` unless said (a batch's ZIP is `application/zip`). */
  contentType?: "application/pdf" | "application/zip";
  /**
   * The document the PDF belongs to: file-storage shows the file to whoever may read it and never
   * collects it. Without one (a batch's ZIP) the file is the uploader's and collected a day later.
   */
  documentId?: string;
}

export interface FilesClient {
  /** Stores a file (created, its bytes streamed through file-storage, verified there); the file id. */
  store(input: StoreInput, call: CallContext): Promise<string>;
  /** A short-lived link to the stored bytes. */
  downloadUrl(fileId: string, call: CallContext): Promise<{ url: string; expiresAt: Date }>;
  /** The stored bytes of a file the caller may read (a letterhead logo). */
  read(fileId: string, call: CallContext): Promise<Uint8Array>;
}

const unavailable = (what: string) =>
  new AppError("UNAVAILABLE", "upstream.unavailable", {
    en: `file-storage did not ${what}; try again shortly`,
    bn: `file-storage ${what} করতে পারেনি; একটু পরে আবার চেষ্টা করুন`,
  });

/**
 * file-storage as this service uses it, with the caller's own token (their `file-storage:file:upload`
 * and `:read` apply). Issued PDFs are attached to `documents.document/<id>`, so file-storage asks
 * `documents.get` who may see them and never collects them as unattached.
 */
export function filesClient(options: {
  client: ServiceClient;
  url: string;
  timeoutMs: number;
  fetch?: Fetch | undefined;
}): FilesClient {
  const fetchImpl = options.fetch ?? fetch;
  const base = options.url.replace(/\/$/, "");

  async function transfer(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch {
      throw unavailable(what);
    }
  }

  return {
    async store(input, call) {
      const contentType = input.contentType ?? "application/pdf";
      const created = await options.client.mutation(
        "createUpload",
        {
          fileName: input.fileName,
          contentType,
          size: input.bytes.byteLength,
          sha256: input.sha256,
          ...(input.documentId
            ? { attachTo: { service: "documents", type: "document", id: input.documentId } }
            : {}),
        },
        Created,
        call,
      );
      const headers: Record<string, string> = {
        "content-type": contentType,
        "content-length": String(input.bytes.byteLength),
        "x-request-id": call.requestId,
      };
      if (call.authorization) {
        headers.authorization = call.authorization;
      }
      const res = await transfer(
        `${base}/files/${created.file.id}/content`,
        { method: "PUT", headers, body: input.bytes as Uint8Array<ArrayBuffer> },
        "store the PDF",
      );
      if (!res.ok) {
        const text = await res.text().catch(() => "");
        throw new AppError("UNAVAILABLE", "documents.file.store_failed", {
          en: `file-storage refused the PDF (${res.status}): ${text.slice(0, 300)}`,
          bn: `file-storage পিডিএফটি গ্রহণ করেনি (${res.status})`,
        });
      }
      return created.file.id;
    },
    downloadUrl: (fileId, call) => options.client.query("downloadUrl", { id: fileId }, Link, call),
    async read(fileId, call) {
      const link = await options.client.query("downloadUrl", { id: fileId }, Link, call);
      const res = await transfer(link.url, { method: "GET" }, "return the file");
      if (!res.ok) {
        throw unavailable("return the file");
      }
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
