import { AppError, type Bilingual, invalidField, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { attachments, blobs, files } from "../db/schema.ts";
import { type ObjectStore, StoreError } from "../storage/types.ts";
import type { Entity } from "../upstream/records.ts";

export type FileRow = typeof files.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;

export const FILE: Bilingual = { en: "File", bn: "ফাইল" };

/**
 * A file's name as people gave it: kept as metadata only, never part of a path or key. Control
 * characters (NUL included) are refused; 255 characters at most.
 */
export const FileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), { message: "must not contain control characters" });

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, { message: "must be a lowercase hex SHA-256" });

export const ById = z.object({ id: z.uuid() });
export const Versioned = z.object({ id: z.uuid(), expectedVersion: z.number().int().min(1) });

export const fileNotFound = () => notFound(FILE, "files.file.not_found");

export const stale = () =>
  new AppError("CONFLICT", "files.file.stale", {
    en: "The file was changed by someone else; reload and try again",
    bn: "ফাইলটি অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
  });

export const recordHidden = (field: string) =>
  new AppError(
    "FORBIDDEN",
    "files.record.forbidden",
    {
      en: "You may not see the record this file belongs to",
      bn: "এই ফাইলটি যে রেকর্ডের, সেটি দেখার অনুমতি আপনার নেই",
    },
    field,
  );

export const entityNotReadable = (field = "entity") =>
  invalidField(field, "files.entity.not_found", {
    en: "The record does not exist or you may not read it",
    bn: "রেকর্ডটি নেই অথবা সেটি পড়ার অনুমতি আপনার নেই",
  });

export async function findFile(tx: Tx, id: string): Promise<FileRow> {
  const [row] = await tx.select().from(files).where(eq(files.id, id)).limit(1);
  if (!row || row.status === "collected") {
    throw fileNotFound();
  }
  return row;
}

export async function activeAttachments(tx: Tx, fileId: string): Promise<AttachmentRow[]> {
  return tx
    .select()
    .from(attachments)
    .where(and(eq(attachments.fileId, fileId), isNull(attachments.detachedAt)));
}

export const entityOf = (a: AttachmentRow): Entity =>
  ({ service: a.service, type: a.entityType, id: a.entityId }) as Entity;

/** A file as callers see it (no storage key, no upload id). */
export function fileView(file: FileRow, attached: readonly AttachmentRow[] = []) {
  return {
    id: file.id,
    name: file.name,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    status: file.status,
    lineageId: file.lineageId,
    revision: file.revision,
    superseded: file.supersededAt !== null,
    legalHold: file.legalHold,
    createdBy: file.createdBy,
    createdAt: file.createdAt,
    completedAt: file.completedAt,
    archivedAt: file.archivedAt,
    version: file.version,
    attachedTo: attached.map(entityOf),
  };
}
export type FileView = ReturnType<typeof fileView>;

/** A declared property of an upload (size, SHA-256, content type) that its bytes contradict: a 400. */
export const mismatch = (field: string, en: string, bn: string) =>
  invalidField(field, `files.upload.${field}_mismatch`, { en, bn });

/**
 * Streams bytes to the store under `key`; the store refuses them (400) unless their SHA-256 is the
 * declared one, which the caller hears as a 400 on `sha256`.
 */
export async function writeChecked(
  store: ObjectStore,
  key: string,
  body: ReadableStream<Uint8Array>,
  size: number,
  sha256: string,
): Promise<void> {
  try {
    await store.write(key, body, size, sha256);
  } catch (error) {
    if (error instanceof StoreError && error.status === 400) {
      throw mismatch(
        "sha256",
        "The uploaded bytes do not match the declared SHA-256",
        "আপলোড করা ফাইলের SHA-256 ঘোষিত মানের সাথে মেলে না",
      );
    }
    throw error;
  }
}

/**
 * The tenant's blob of these bytes: a new one at `key`, or the one already stored with the same
 * SHA-256 (`deduplicated`: the caller's copy at `key` is not needed).
 */
export async function blobOf(
  tx: Tx,
  bytes: { tenantId: string; sha256: string; size: number; key: string; now: Date },
) {
  const { tenantId, sha256, size, key, now } = bytes;
  const [inserted] = await tx
    .insert(blobs)
    .values({ tenantId, sha256, size, key, createdAt: now })
    .onConflictDoNothing()
    .returning();
  const blob = inserted ?? (await tx.select().from(blobs).where(eq(blobs.sha256, sha256)).limit(1))[0];
  if (!blob) {
    throw new Error("a blob that conflicted on insert vanished");
  }
  return { blob, deduplicated: !inserted };
}
