import {
  AppError,
  type Bilingual,
  ERROR_KINDS,
  hasPermission,
  type Logger,
  localeFromHeader,
  type TokenVerifier,
} from "@vextrus/platform";
import type { Context } from "hono";
import type { FileContext, FileDeps } from "./deps.ts";
import { FileName, Sha256 } from "./domain/common.ts";
import { CONTENT_TYPES, isAllowedType } from "./domain/content-types.ts";
import { storeGenerated } from "./domain/generated.ts";
import { receiveContent } from "./domain/uploads.ts";
import { Entity } from "./upstream/records.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const refuse = (kind: keyof typeof ERROR_KINDS, code: string, en: string, bn: string) =>
  new AppError(kind, code, { en, bn });

/**
 * `PUT /files/<fileId>/content`: the bytes of a pending upload of at most the multipart threshold
 * (16 MB), streamed to storage, for callers that cannot reach S3 themselves; the gateway forwards it.
 * Bearer token and `file-storage:file:upload` as for `files.createUpload`; answers the completed file.
 */
export function contentRoute(deps: FileDeps, verifyToken: TokenVerifier | undefined, log: Logger) {
  return uploaderRoute(deps, verifyToken, log, "content upload failed", async (c, ctx) => {
    const fileId = c.req.param("fileId") ?? "";
    if (!UUID.test(fileId)) {
      throw new AppError(
        "VALIDATION",
        "files.file.id",
        { en: "fileId: not a file id", bn: "fileId: ফাইল আইডি নয়" },
        "fileId",
      );
    }
    const { body, length } = streamedBody(c, deps);
    return receiveContent({ ctx, input: { fileId, body, length } });
  });
}

/**
 * `POST /files/generated`: a file a service generated for the record it is creating (an issued
 * document's PDF), stored, verified and attached in one request — see `storeGenerated`. The body is
 * the bytes (at most the multipart threshold); `content-type` their type; `x-file-name` the name
 * (percent-encoded); `x-sha256` their SHA-256 (hex); `x-attach-to` the record, `<service>/<type>/<id>`.
 * Bearer token, `file-storage:file:upload` and the record's own permission to make one.
 */
export function generatedRoute(deps: FileDeps, verifyToken: TokenVerifier | undefined, log: Logger) {
  return uploaderRoute(deps, verifyToken, log, "generated file failed", async (c, ctx) => {
    const [service, type, id] = (c.req.header("x-attach-to") ?? "").split("/");
    const entity = Entity.safeParse({ service, type, id });
    if (!entity.success) {
      throw headerInvalid("x-attach-to", {
        en: "<service>/<type>/<id> of the record the file belongs to",
        bn: "ফাইলটি যে রেকর্ডের, তার <service>/<type>/<id>",
      });
    }
    let name: string | undefined;
    try {
      name = decodeURIComponent(c.req.header("x-file-name") ?? "");
    } catch {
      name = undefined;
    }
    const fileName = FileName.safeParse(name);
    if (!fileName.success) {
      throw headerInvalid("x-file-name", {
        en: "the file's name, percent-encoded (1 to 255 characters)",
        bn: "ফাইলের নাম, percent-encoded (১ থেকে ২৫৫ অক্ষর)",
      });
    }
    const contentType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!isAllowedType(contentType)) {
      const allowed = Object.keys(CONTENT_TYPES).join(", ");
      throw headerInvalid("content-type", { en: `one of ${allowed}`, bn: `এগুলোর একটি: ${allowed}` });
    }
    const sha256 = Sha256.safeParse(c.req.header("x-sha256"));
    if (!sha256.success) {
      throw headerInvalid("x-sha256", {
        en: "the bytes' SHA-256, lowercase hex",
        bn: "বাইটগুলোর SHA-256, ছোট হাতের hex",
      });
    }
    const { body, length } = streamedBody(c, deps);
    return storeGenerated({
      ctx,
      input: {
        fileName: fileName.data,
        contentType,
        size: length,
        sha256: sha256.data,
        attachTo: entity.data,
        body,
      },
    });
  });
}

const headerInvalid = (header: string, what: Bilingual) =>
  new AppError(
    "VALIDATION",
    "files.upload.header",
    { en: `${header}: ${what.en}`, bn: `${header}: ${what.bn}` },
    header,
  );

/** The request's body and its declared length: 1 byte to the multipart threshold (16 MB). */
function streamedBody(c: Context, deps: FileDeps) {
  const length = Number(c.req.header("content-length"));
  const body = c.req.raw.body;
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
  return { body, length };
}

/**
 * A route that takes bytes from an uploader: the bearer token checked, `file-storage:file:upload`
 * required, the verb's answer as JSON and its refusals in the error shape of the tRPC routes.
 */
function uploaderRoute(
  deps: FileDeps,
  verifyToken: TokenVerifier | undefined,
  log: Logger,
  failure: string,
  handle: (c: Context, ctx: FileContext) => Promise<unknown>,
) {
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
      return c.json(await handle(c, ctx));
    } catch (error) {
      const app = error instanceof AppError ? error : undefined;
      if (!app) {
        log.error(failure, {
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
