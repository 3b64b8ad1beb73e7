import { AppError, hasPermission, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { attachments, blobs, files } from "../db/schema.ts";
import type { FileContext } from "../deps.ts";
import { objectKey } from "../storage/keys.ts";
import { StoreError } from "../storage/types.ts";
import { Entity } from "../upstream/records.ts";
import { assertCanSee, canReadRecord } from "./access.ts";
import {
  activeAttachments,
  blobOf,
  entityNotReadable,
  FileName,
  type FileRow,
  fileNotFound,
  fileView,
  findFile,
  mismatch,
  Sha256,
  writeChecked,
} from "./common.ts";
import { CONTENT_TYPES, matchesType, SNIFF_BYTES } from "./content-types.ts";
import { fileFacts, publish } from "./events.ts";
import { signDownload, visibleFile } from "./files.ts";
import { tenantLimits } from "./limits.ts";
import { adjust, reserve } from "./quota.ts";

export const CreateUploadInput = z.object({
  fileName: FileName,
  contentType: z.enum(Object.keys(CONTENT_TYPES) as [string, ...string[]]),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sha256: Sha256,
  /** A record to attach the file to once it is uploaded (the caller must be able to read it). */
  attachTo: Entity.optional(),
  /** A file this one replaces: a new revision of it, which takes over its attachments when complete. */
  replaces: z.uuid().optional(),
});
export type CreateUploadInput = z.infer<typeof CreateUploadInput>;

export const CompleteUploadInput = z.object({
  fileId: z.uuid(),
  /**
   * Also answer a download link (as `files.downloadUrl` would), so showing the file just uploaded
   * takes no second call. Needs `file-storage:file:read`; access follows the parent record as for
   * any download.
   */
  download: z.boolean().default(false),
});
export type CompleteUploadInput = z.input<typeof CompleteUploadInput>;

const READ = "file-storage:file:read";

const TOO_LARGE = (max: number) => ({
  en: `The file is larger than the ${max} bytes allowed`,
  bn: `ফাইলটি অনুমোদিত ${max} বাইটের চেয়ে বড়`,
});

/** The previous revision a replacement builds on: the caller must be able to see it. */
async function previousRevision(ctx: FileContext, id: string): Promise<FileRow> {
  const [file, attached] = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const found = await findFile(tx, id);
      return [found, await activeAttachments(tx, id)] as const;
    },
    { readOnly: true },
  );
  if (file.status !== "available" || file.supersededAt) {
    throw invalidField("replaces", "files.file.not_replaceable", {
      en: "Only the current revision of an uploaded file can be replaced",
      bn: "শুধু আপলোড করা ফাইলের বর্তমান সংস্করণই প্রতিস্থাপন করা যায়",
    });
  }
  await assertCanSee(ctx, file, attached);
  return file;
}

/**
 * Grants an upload: a pending file (its quota reserved) and presigned URLs to PUT its bytes to —
 * one URL, or one per part for files over the multipart threshold. Nothing is visible until
 * `completeUpload` has checked the stored bytes.
 */
export async function createUpload({ ctx, input }: { ctx: FileContext; input: CreateUploadInput }) {
  const { limits, store, db } = ctx.deps;
  const own = await tenantLimits(ctx);
  if (input.size > own.maxFileBytes) {
    throw invalidField("size", "files.file.too_large", TOO_LARGE(own.maxFileBytes));
  }
  if (input.attachTo && !(await canReadRecord(ctx, input.attachTo))) {
    throw entityNotReadable("attachTo");
  }
  const previous = input.replaces ? await previousRevision(ctx, input.replaces) : undefined;
  const now = ctx.deps.now();
  const fileId = Bun.randomUUIDv7();
  const key = objectKey(ctx.tenantId, fileId, now);
  const multipart = input.size > limits.multipartThreshold;
  const uploadId = multipart ? await store.startMultipart(key) : null;
  const expiresAt = new Date(now.getTime() + limits.uploadTtlSeconds * 1000);
  let file: FileRow;
  try {
    file = await db.tenant(ctx.tenantId, async (tx) => {
      // Bytes the tenant stores already take no more room: the upload reserves nothing.
      const [known] = await tx
        .select({ id: blobs.id })
        .from(blobs)
        .where(eq(blobs.sha256, input.sha256))
        .limit(1);
      const reserved = known ? 0 : input.size;
      const [row] = await tx
        .insert(files)
        .values({
          id: fileId,
          tenantId: ctx.tenantId,
          name: input.fileName,
          contentType: input.contentType,
          size: input.size,
          sha256: input.sha256,
          key,
          uploadId,
          partSize: multipart ? limits.partBytes : null,
          uploadExpiresAt: expiresAt,
          reservedBytes: reserved,
          lineageId: previous?.lineageId ?? fileId,
          revision: previous ? await nextRevision(tx, previous.lineageId) : 1,
          createdBy: ctx.principal.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (!row) {
        throw new Error("insert into files returned nothing");
      }
      if (input.attachTo) {
        await tx.insert(attachments).values({
          tenantId: ctx.tenantId,
          fileId,
          service: input.attachTo.service,
          entityType: input.attachTo.type,
          entityId: input.attachTo.id,
          attachedBy: ctx.principal.userId,
          attachedAt: now,
        });
      }
      await publish(tx, ctx, "vextrus.file.object.upload_started", fileId, fileFacts(row));
      await reserve(tx, ctx.tenantId, reserved, own.tenantQuotaBytes);
      return row;
    });
  } catch (error) {
    if (uploadId) {
      await store.abortMultipart(key, uploadId).catch(() => undefined);
    }
    throw error;
  }
  ctx.deps.metrics.uploadsStarted.inc();
  return { file: fileView(file), upload: await uploadTarget(ctx, file) };
}

async function nextRevision(tx: Tx, lineageId: string): Promise<number> {
  const [row] = await tx
    .select({ max: sql<number>`max(${files.revision})::int` })
    .from(files)
    .where(eq(files.lineageId, lineageId));
  return (row?.max ?? 0) + 1;
}

/** Where the caller PUTs the bytes: one URL, or one per part (each `partSize` bytes, the last the rest). */
async function uploadTarget(ctx: FileContext, file: FileRow) {
  const { store, limits } = ctx.deps;
  const ttl = limits.uploadTtlSeconds;
  if (!file.uploadId || !file.partSize) {
    const target = await store.presignPut(file.key, ttl, file.sha256);
    return {
      multipart: false,
      expiresAt: file.uploadExpiresAt,
      parts: [{ partNumber: 1, size: file.size, url: target.url, headers: target.headers }],
    };
  }
  const partSize = file.partSize;
  const count = Math.ceil(file.size / partSize);
  const uploadId = file.uploadId;
  const parts = await Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      partNumber: i + 1,
      size: Math.min(partSize, file.size - i * partSize),
      url: await store.presignPart(file.key, uploadId, i + 1, ttl),
      headers: {} as Record<string, string>,
    })),
  );
  return { multipart: true, expiresAt: file.uploadExpiresAt, parts };
}

/** SHA-256 and the first bytes of a stream, read once, never held whole. */
async function digest(stream: ReadableStream<Uint8Array>) {
  const hasher = new Bun.CryptoHasher("sha256");
  const head = new Uint8Array(SNIFF_BYTES);
  let headLength = 0;
  for await (const chunk of stream) {
    hasher.update(chunk);
    if (headLength < SNIFF_BYTES) {
      const take = chunk.subarray(0, SNIFF_BYTES - headLength);
      head.set(take, headLength);
      headLength += take.length;
    }
  }
  return { sha256: hasher.digest("hex"), head: head.subarray(0, headLength) };
}

/** Checks the stored object against what was declared; removes it (and throws) when it differs. */
async function verifyStored(ctx: FileContext, file: FileRow) {
  const { store } = ctx.deps;
  if (file.uploadId) {
    try {
      await store.finishMultipart(file.key, file.uploadId);
    } catch (error) {
      // No parts (none sent yet), or an upload id already used up: assembled before (the object is
      // there), or a refused completion removed the parts and only a new upload can bring the file.
      const noParts = error instanceof StoreError && (error.status === 404 || error.status === 400);
      if (!noParts) {
        throw error;
      }
      if (!(await store.stat(file.key))) {
        throw new AppError("PRECONDITION_FAILED", "files.upload.no_parts", {
          en: "No uploaded part was found: send the parts, or start a new upload if they were refused",
          bn: "আপলোড করা কোনো অংশ পাওয়া যায়নি: অংশগুলো পাঠান, অথবা প্রত্যাখ্যাত হলে নতুন করে আপলোড শুরু করুন",
        });
      }
    }
  }
  // A single PUT: one ranged GET answers both the size and the first bytes.
  const probe = file.uploadId ? undefined : await store.readHead(file.key, SNIFF_BYTES);
  const stored = probe ?? (file.uploadId ? await store.stat(file.key) : undefined);
  if (!stored) {
    throw new AppError("PRECONDITION_FAILED", "files.upload.missing", {
      en: "Nothing has been uploaded for this file yet",
      bn: "এই ফাইলের জন্য এখনো কিছু আপলোড হয়নি",
    });
  }
  const refuse = async (error: AppError) => {
    await store.remove(file.key);
    return error;
  };
  if (stored.size !== file.size) {
    throw await refuse(
      mismatch(
        "size",
        `The uploaded file has ${stored.size} bytes, not the ${file.size} declared`,
        `আপলোড করা ফাইলে ${stored.size} বাইট আছে, ঘোষিত ${file.size} বাইট নয়`,
      ),
    );
  }
  // A single PUT was checked by the store against the declared SHA-256 as it arrived (the signed
  // checksum header): only its first bytes are read. Parts were not: the whole object is read back.
  const { sha256, head } = probe
    ? { sha256: file.sha256, head: probe.head }
    : await digest(await store.read(file.key));
  if (sha256 !== file.sha256) {
    throw await refuse(
      mismatch(
        "sha256",
        "The uploaded bytes do not match the declared SHA-256",
        "আপলোড করা ফাইলের SHA-256 ঘোষিত মানের সাথে মেলে না",
      ),
    );
  }
  if (!matchesType(file.contentType, head)) {
    throw await refuse(
      mismatch(
        "contentType",
        `The file's content is not ${file.contentType}`,
        `ফাইলটির বিষয়বস্তু ${file.contentType} নয়`,
      ),
    );
  }
}

/**
 * Makes an uploaded file visible once the stored object has the declared size, SHA-256 and content
 * type. The same bytes already stored for the tenant are kept once (the new copy is removed and the
 * quota counts them once). Completing a completed file answers it again.
 */
export async function completeUpload({ ctx, input }: { ctx: FileContext; input: CompleteUploadInput }) {
  const { db, store } = ctx.deps;
  if (input.download && !hasPermission(ctx.principal.permissions, READ)) {
    throw new AppError(
      "FORBIDDEN",
      "files.download.forbidden",
      {
        en: "A download link needs the permission to read files",
        bn: "ডাউনলোড লিংকের জন্য ফাইল পড়ার অনুমতি প্রয়োজন",
      },
      "download",
    );
  }
  const file = await db.tenant(ctx.tenantId, (tx) => findFile(tx, input.fileId), { readOnly: true });
  if (file.createdBy !== ctx.principal.userId) {
    throw fileNotFound();
  }
  if (file.status !== "pending") {
    if (!input.download) {
      return fileView(file);
    }
    const visible = await visibleFile(ctx, file.id);
    return { ...fileView(visible.file, visible.attached), download: await signDownload(ctx, visible.file) };
  }
  if (file.uploadExpiresAt.getTime() < ctx.deps.now().getTime()) {
    throw new AppError("PRECONDITION_FAILED", "files.upload.expired", {
      en: "The upload has expired; start a new one",
      bn: "আপলোডের মেয়াদ শেষ হয়ে গেছে; নতুন করে শুরু করুন",
    });
  }
  await verifyStored(ctx, file);
  const done = await db.tenant(ctx.tenantId, (tx) => markUploaded(ctx, tx, file));
  if (done.removeKey) {
    await store.remove(done.removeKey);
  }
  ctx.deps.metrics.uploadsCompleted.inc({ deduplicated: String(done.deduplicated) });
  ctx.deps.metrics.bytesUploaded.inc(file.size);
  const view = fileView(done.file, done.attached);
  if (!input.download) {
    return view;
  }
  // As files.downloadUrl: access follows the parent record (asked outside any transaction).
  await assertCanSee(ctx, done.file, done.attached);
  return { ...view, download: await signDownload(ctx, done.file) };
}

async function markUploaded(ctx: FileContext, tx: Tx, file: FileRow) {
  const now = ctx.deps.now();
  const [current] = await tx.select().from(files).where(eq(files.id, file.id)).for("update");
  if (current?.status !== "pending") {
    // Completed concurrently: nothing more to do.
    return {
      file: current ?? file,
      attached: await activeAttachments(tx, file.id),
      deduplicated: false,
      removeKey: null,
    };
  }
  const { blob, deduplicated } = await blobOf(tx, {
    tenantId: ctx.tenantId,
    sha256: file.sha256,
    size: file.size,
    key: file.key,
    now,
  });
  if (file.revision > 1) {
    await supersedeEarlier(ctx, tx, file, now);
  }
  const attached = await activeAttachments(tx, file.id);
  const [row] = await tx
    .update(files)
    .set({
      status: "available",
      blobId: blob.id,
      key: blob.key,
      uploadId: null,
      reservedBytes: 0,
      completedAt: now,
      unattachedSince: attached.length > 0 ? null : now,
      updatedAt: now,
      version: sql`${files.version} + 1`,
    })
    .where(eq(files.id, file.id))
    .returning();
  if (!row) {
    throw fileNotFound();
  }
  await publish(tx, ctx, "vextrus.file.object.uploaded", file.id, {
    ...fileFacts(row),
    deduplicated,
    revision: row.revision,
  });
  // Last: the quota slot it takes stays locked from here to COMMIT (other uploads skip it).
  await adjust(tx, ctx.tenantId, { reserved: -file.reservedBytes, stored: deduplicated ? 0 : file.size });
  return { file: row, attached, deduplicated, removeKey: deduplicated ? file.key : null };
}

/** A new revision takes over: earlier ones are superseded and their attachments move to it. */
async function supersedeEarlier(ctx: FileContext, tx: Tx, file: FileRow, now: Date) {
  const earlier = await tx
    .update(files)
    .set({ supersededAt: now, unattachedSince: null, updatedAt: now, version: sql`${files.version} + 1` })
    .where(
      and(
        eq(files.lineageId, file.lineageId),
        ne(files.id, file.id),
        lt(files.revision, file.revision),
        isNull(files.supersededAt),
      ),
    )
    .returning({ id: files.id });
  for (const { id } of earlier) {
    const moved = await tx
      .update(attachments)
      .set({ detachedAt: now, detachedBy: ctx.principal.userId })
      .where(and(eq(attachments.fileId, id), isNull(attachments.detachedAt)))
      .returning();
    for (const a of moved) {
      const entity = { service: a.service, type: a.entityType, id: a.entityId };
      await publish(tx, ctx, "vextrus.file.object.detached", id, { id, entity });
      await publish(tx, ctx, "vextrus.file.object.attached", file.id, { id: file.id, entity });
      await tx
        .insert(attachments)
        .values({
          tenantId: ctx.tenantId,
          fileId: file.id,
          service: a.service,
          entityType: a.entityType,
          entityId: a.entityId,
          attachedBy: ctx.principal.userId,
          attachedAt: now,
        })
        .onConflictDoNothing();
    }
  }
}

/**
 * The bytes of a small pending upload sent through the service (and the gateway) instead of to a
 * presigned URL: streamed to the store, which checks the declared SHA-256 as it arrives (nothing is
 * held whole), then completed like any upload.
 */
export async function receiveContent({
  ctx,
  input,
}: {
  ctx: FileContext;
  input: { fileId: string; body: ReadableStream<Uint8Array>; length: number };
}) {
  const file = await ctx.deps.db.tenant(ctx.tenantId, (tx) => findFile(tx, input.fileId), { readOnly: true });
  if (file.createdBy !== ctx.principal.userId) {
    throw fileNotFound();
  }
  if (file.status !== "pending" || file.uploadId) {
    throw new AppError("PRECONDITION_FAILED", "files.upload.not_direct", {
      en: "Only a pending upload of one part can be sent through the service",
      bn: "শুধু এক অংশের অপেক্ষমাণ আপলোডই সার্ভিসের মাধ্যমে পাঠানো যায়",
    });
  }
  if (input.length !== file.size) {
    throw mismatch(
      "size",
      `The body has ${input.length} bytes, not the ${file.size} declared`,
      `পাঠানো অংশে ${input.length} বাইট আছে, ঘোষিত ${file.size} বাইট নয়`,
    );
  }
  await writeChecked(ctx.deps.store, file.key, input.body, file.size, file.sha256);
  return completeUpload({ ctx, input: { fileId: file.id } });
}
