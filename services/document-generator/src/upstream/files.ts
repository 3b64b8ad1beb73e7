import {
  AppError,
  type CallContext,
  type ErrorKind,
  type Fetch,
  type ServiceClient,
} from "@vextrus/platform";
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

/** file-storage's refusals (tRPC codes in its routes' error bodies) keep their kind here. */
const REFUSALS: Partial<Record<string, ErrorKind>> = {
  BAD_REQUEST: "VALIDATION",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
};

interface RouteError {
  code?: unknown;
  appCode?: unknown;
  message?: unknown;
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

  /** file-storage's answer to stored bytes: the file, or its refusal (kind kept) as an error. */
  async function stored(res: Response) {
    const body = (await res.json().catch(() => undefined)) as { error?: RouteError } | undefined;
    if (!res.ok) {
      const refused = body?.error;
      const kind = typeof refused?.code === "string" ? REFUSALS[refused.code] : undefined;
      if (kind) {
        const code = typeof refused?.appCode === "string" ? refused.appCode : "documents.file.refused";
        const said = typeof refused?.message === "string" ? refused.message : String(res.status);
        throw new AppError(kind, code, {
          en: `file-storage refused the PDF: ${said}`,
          bn: `file-storage পিডিএফটি গ্রহণ করেনি: ${said}`,
        });
      }
      throw new AppError("UNAVAILABLE", "documents.file.store_failed", {
        en: `file-storage did not store the PDF (${res.status}); try again shortly`,
        bn: `file-storage পিডিএফটি সংরক্ষণ করেনি (${res.status}); একটু পরে আবার চেষ্টা করুন`,
      });
    }
    const file = FileRef.safeParse(body);
    if (!file.success) {
      throw unavailable("store the PDF");
    }
    return file.data;
  }

  return {
    async store(input, call) {
      const contentType = input.contentType ?? "application/pdf";
      const headers: Record<string, string> = {
        "content-type": contentType,
        "content-length": String(input.bytes.byteLength),
        "x-request-id": call.requestId,
      };
      if (call.authorization) {
        headers.authorization = call.authorization;
      }
      if (input.documentId) {
        // One request: file-storage streams the bytes to storage (checking their SHA-256 as they
        // arrive), records the file as available and attaches it to this new document, in one
        // transaction; it need not ask this service about a document it is issuing.
        const res = await transfer(
          `${base}/files/generated`,
          {
            method: "POST",
            headers: {
              ...headers,
              "x-file-name": encodeURIComponent(input.fileName),
              "x-sha256": input.sha256,
              "x-attach-to": `documents/document/${input.documentId}`,
            },
            body: input.bytes as Uint8Array<ArrayBuffer>,
          },
          "store the PDF",
        );
        return (await stored(res)).id;
      }
      const created = await options.client.mutation(
        "createUpload",
        { fileName: input.fileName, contentType, size: input.bytes.byteLength, sha256: input.sha256 },
        Created,
        call,
      );
      const res = await transfer(
        `${base}/files/${created.file.id}/content`,
        { method: "PUT", headers, body: input.bytes as Uint8Array<ArrayBuffer> },
        "store the PDF",
      );
      await stored(res);
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
