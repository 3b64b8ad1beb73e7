import {
  AppError,
  ERROR_KINDS,
  hasPermission,
  type Logger,
  localeFromHeader,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Context } from "hono";
import type { FileContext, FileDeps } from "./deps.ts";
import { receiveContent } from "./domain/uploads.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const refuse = (kind: keyof typeof ERROR_KINDS, code: string, en: string, bn: string) =>
  new AppError(kind, code, { en, bn });

/**
 * `PUT /files/<fileId>/content`: the bytes of a pending upload of at most the multipart threshold
 * (16 MB), streamed to storage, for callers that cannot reach S3 themselves; the gateway forwards it.
 * Bearer token and `file-storage:file:upload` as for `files.createUpload`; answers the completed file.
 */
export function contentRoute(deps: FileDeps, verifyToken: TokenVerifier | undefined, log: Logger) {
  return async (c: Context): Promise<Response> => {
    const locale = localeFromHeader(c.req.header("accept-language"));
    const requestId = (c.get("requestId") as string | undefined) ?? Bun.randomUUIDv7();
    try {
      const header = c.req.header("authorization") ?? "";
      const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
      const principal = token && verifyToken ? await verifyToken(token).catch(() => null) : null;
      if (!principal) {
        throw refuse(
          "UNAUTHORIZED",
          "auth.token.invalid",
          "The access token is invalid or expired",
          "অ্যাক্সেস টোকেনটি অবৈধ বা মেয়াদোত্তীর্ণ",
        );
      }
      if (!hasPermission(principal.permissions, "file-storage:file:upload")) {
        throw refuse(
          "FORBIDDEN",
          "auth.permission.missing",
          "You may not upload files",
          "আপনার ফাইল আপলোডের অনুমতি নেই",
        );
      }
      const fileId = c.req.param("fileId") ?? "";
      const length = Number(c.req.header("content-length"));
      const body = c.req.raw.body;
      if (!UUID.test(fileId)) {
        throw new AppError(
          "VALIDATION",
          "files.file.id",
          { en: "fileId: not a file id", bn: "fileId: ফাইল আইডি নয়" },
          "fileId",
        );
      }
      if (!body || !Number.isSafeInteger(length) || length < 1 || length > deps.limits.multipartThreshold) {
        throw new AppError(
          "VALIDATION",
          "files.upload.length",
          {
            en: `Content-Length must be 1 to ${deps.limits.multipartThreshold} bytes; larger files use the presigned parts`,
            bn: `Content-Length ১ থেকে ${deps.limits.multipartThreshold} বাইট হতে হবে; বড় ফাইল প্রিসাইনড অংশে পাঠান`,
          },
          "content-length",
        );
      }
      const ctx: FileContext = {
        deps,
        principal,
        tenantId: principal.tenantId,
        requestId,
        locale,
        log: log.child({ requestId }),
        authError: null,
        authorization: header,
        traceparent: c.req.header("traceparent") ?? "",
      };
      return c.json(await receiveContent({ ctx, input: { fileId, body, length } }));
    } catch (error) {
      const app = error instanceof AppError ? error : undefined;
      if (!app) {
        log.error("content upload failed", {
          requestId,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      const kind = app?.kind ?? "INTERNAL";
      return c.json(
        {
          error: {
            code: ERROR_KINDS[kind].trpc,
            appCode: app?.code ?? "internal",
            message: app?.text[locale] ?? "Internal error",
            requestId,
            ...(app?.field ? { field: app.field } : {}),
          },
        },
        ERROR_KINDS[kind].http as 400,
      );
    }
  };
}
