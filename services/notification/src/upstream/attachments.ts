import { createHash } from "node:crypto";
import {
  AppError,
  type CallContext,
  createServiceClient,
  type ServiceClient,
  type ServiceCredentials,
} from "@vextrus/platform";
import { z } from "zod";
import type { Attachment } from "../channels/types.ts";
import type { AttachmentRef } from "../db/schema.ts";

/** What reading an attachment needs at least (when the sender's own reads were not recorded). */
export const ATTACHMENT_PERMISSIONS = ["file-storage:file:read", "document-generator:document:read"] as const;

const FileView = z.object({
  id: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  status: z.string(),
});
const Link = z.object({ url: z.string() });
const DocumentView = z.object({
  id: z.uuid(),
  template: z.string(),
  number: z.string().nullable(),
  status: z.string(),
});
const Pdf = z.object({ pdf: z.string(), sha256: z.string() });

/** Reads the files an e-mail carries, as a caller (their token) or as a user of a tenant (a service token). */
export interface AttachmentSource {
  /** Checks each exists and the caller may read it; answers the names the mail will give them. */
  check(refs: readonly AttachmentRef[], call: CallContext): Promise<string[]>;
  /** The bytes of each, read as `userId` of `tenantId` with `permissions` (the dispatcher, at send time). */
  fetch(
    refs: readonly AttachmentRef[],
    as: { tenantId: string; userId: string; permissions?: readonly string[] | undefined },
  ): Promise<Attachment[]>;
}

const tooLarge = (max: number) =>
  new AppError("VALIDATION", "notification.attachments.too_large", {
    en: `attachments: together larger than ${Math.round(max / 1_048_576)} MiB`,
    bn: `attachments: সব মিলিয়ে ${Math.round(max / 1_048_576)} MiB-এর বেশি`,
  });
const changed = (what: string) =>
  new AppError("PRECONDITION_FAILED", "notification.attachments.changed", {
    en: `attachments: ${what} is not what was stored (SHA-256 differs)`,
    bn: `attachments: ${what} সংরক্ষিত ফাইলের সাথে মেলে না (SHA-256 ভিন্ন)`,
  });
const notReady = (what: string) =>
  new AppError("PRECONDITION_FAILED", "notification.attachments.not_ready", {
    en: `attachments: ${what} is not ready to send (not uploaded or not issued yet)`,
    bn: `attachments: ${what} এখনও পাঠানোর মতো প্রস্তুত নয়`,
  });

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const safeName = (name: string) => name.replace(/[\\/\r\n"]/g, "_").slice(0, 200) || "file";

/**
 * file-storage (`files.get`, `files.downloadUrl`, then the bytes) and the document generator
 * (`documents.get`, `documents.pdf`, which checks the PDF against the SHA-256 recorded at issue).
 * Bytes read are checked against the SHA-256 file-storage recorded, and their total against `maxBytes`.
 */
export function attachmentSource(options: {
  filesUrl: string;
  documentsUrl: string;
  credentials: ServiceCredentials;
  timeoutMs: number;
  maxBytes: number;
}): AttachmentSource {
  const files: ServiceClient = createServiceClient({
    service: "file-storage",
    url: options.filesUrl,
    timeoutMs: options.timeoutMs,
    caller: "notification",
  });
  const documents: ServiceClient = createServiceClient({
    service: "document-generator",
    url: options.documentsUrl,
    timeoutMs: options.timeoutMs,
    caller: "notification",
  });

  async function describe(ref: AttachmentRef, call: CallContext) {
    if ("fileId" in ref) {
      const file = await files.query("get", { id: ref.fileId }, FileView, call);
      if (file.status !== "available" && file.status !== "archived") {
        throw notReady(`file ${ref.fileId}`);
      }
      return { name: safeName(file.name), contentType: file.contentType, size: file.size, file };
    }
    const doc = await documents.query("get", { id: ref.documentId }, DocumentView, call);
    if (doc.status !== "issued") {
      throw notReady(`document ${ref.documentId}`);
    }
    const name = safeName(`${doc.template}${doc.number ? `-${doc.number}` : ""}.pdf`);
    return { name, contentType: "application/pdf", size: 0, file: undefined };
  }

  async function bytesOf(ref: AttachmentRef, call: CallContext): Promise<Attachment> {
    const described = await describe(ref, call);
    if ("documentId" in ref) {
      const pdf = await documents.query("pdf", { id: ref.documentId }, Pdf, call);
      const content = new Uint8Array(Buffer.from(pdf.pdf, "base64"));
      if (sha256(content) !== pdf.sha256) {
        throw changed(`document ${ref.documentId}`);
      }
      return { filename: described.name, contentType: "application/pdf", content };
    }
    const link = await files.query("downloadUrl", { id: ref.fileId }, Link, call);
    const res = await fetch(link.url, { signal: AbortSignal.timeout(options.timeoutMs) }).catch(
      () => undefined,
    );
    if (!res?.ok) {
      throw new AppError("UNAVAILABLE", "notification.attachments.unavailable", {
        en: `file-storage did not return file ${ref.fileId}; try again shortly`,
        bn: `file-storage ফাইল ${ref.fileId} ফেরত দেয়নি; একটু পরে আবার চেষ্টা করুন`,
      });
    }
    const content = new Uint8Array(await res.arrayBuffer());
    if (sha256(content) !== described.file?.sha256) {
      throw changed(`file ${ref.fileId}`);
    }
    return { filename: described.name, contentType: described.contentType, content };
  }

  return {
    async check(refs, call) {
      const described = await Promise.all(refs.map((ref) => describe(ref, call)));
      if (described.reduce((sum, d) => sum + d.size, 0) > options.maxBytes) {
        throw tooLarge(options.maxBytes);
      }
      return described.map((d) => d.name);
    },
    async fetch(refs, as) {
      const token = await options.credentials(
        as.tenantId,
        as.userId,
        as.permissions ?? ATTACHMENT_PERMISSIONS,
      );
      const call: CallContext = {
        requestId: `notification-${Bun.randomUUIDv7()}`,
        authorization: `Bearer ${token}`,
      };
      const out: Attachment[] = [];
      let total = 0;
      for (const ref of refs) {
        const attachment = await bytesOf(ref, call);
        total += attachment.content.byteLength;
        if (total > options.maxBytes) {
          throw tooLarge(options.maxBytes);
        }
        out.push(attachment);
      }
      return out;
    },
  };
}
