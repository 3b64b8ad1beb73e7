import { AppError, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { attachments, files } from "../db/schema.ts";
import type { FileContext } from "../deps.ts";
import { contentDisposition } from "../storage/disposition.ts";
import { Entity } from "../upstream/records.ts";
import { assertCanSee, canReadRecord } from "./access.ts";
import {
  type AttachmentRow,
  activeAttachments,
  type ById,
  entityNotReadable,
  type FileRow,
  fileView,
  findFile,
  stale,
  Versioned,
} from "./common.ts";
import { publish, snapshot } from "./events.ts";

export const ListFilesInput = z.object({
  attachedTo: Entity,
  ...pageInput(),
  includeArchived: z.boolean().default(false),
});
export const SetLegalHoldInput = Versioned.extend({ hold: z.boolean() });

/** A file and its attachments, once the caller is known to may see it (asked outside the transaction). */
export async function visibleFile(ctx: FileContext, id: string) {
  const [file, attached] = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const found = await findFile(tx, id);
      return [found, await activeAttachments(tx, id)] as const;
    },
    { readOnly: true },
  );
  await assertCanSee(ctx, file, attached);
  return { file, attached };
}

export async function getFile({ ctx, input }: { ctx: FileContext; input: z.infer<typeof ById> }) {
  const { file, attached } = await visibleFile(ctx, input.id);
  return fileView(file, attached);
}

const notDownloadable = () =>
  new AppError("PRECONDITION_FAILED", "files.file.not_uploaded", {
    en: "The file has not been uploaded yet",
    bn: "ফাইলটি এখনো আপলোড হয়নি",
  });

/** A short-lived GET URL that answers the bytes with the original name (RFC 6266) and type. */
export async function downloadUrl({ ctx, input }: { ctx: FileContext; input: z.infer<typeof ById> }) {
  const { file } = await visibleFile(ctx, input.id);
  return signDownload(ctx, file);
}

/** The GET link of a file the caller is known to may see (checked by the caller of this). */
export async function signDownload(ctx: FileContext, file: FileRow) {
  if (file.status === "pending") {
    throw notDownloadable();
  }
  const ttl = ctx.deps.limits.downloadTtlSeconds;
  const url = await ctx.deps.store.presignGet(file.key, ttl, {
    disposition: contentDisposition(file.name),
    contentType: file.contentType,
  });
  ctx.deps.metrics.downloadsSigned.inc();
  return { url, expiresAt: new Date(ctx.deps.now().getTime() + ttl * 1000) };
}

/** The files attached to a record the caller may read, oldest first (keyset on the file id). */
export async function listFiles({ ctx, input }: { ctx: FileContext; input: z.infer<typeof ListFilesInput> }) {
  if (!(await canReadRecord(ctx, input.attachedTo))) {
    throw entityNotReadable("attachedTo");
  }
  const e = input.attachedTo;
  const page = keyset({ id: files.id }, input.cursor);
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rows = await tx
        .select({ file: files })
        .from(attachments)
        .innerJoin(files, eq(files.id, attachments.fileId))
        .where(
          and(
            eq(attachments.service, e.service),
            eq(attachments.entityType, e.type),
            eq(attachments.entityId, e.id),
            isNull(attachments.detachedAt),
            input.includeArchived
              ? inArray(files.status, ["available", "archived"])
              : eq(files.status, "available"),
            page.where,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const found = pageOf(
        rows.map((r) => r.file),
        input.limit,
        (f) => f.id,
      );
      const attached = await attachmentsOf(tx, found.items);
      return { items: found.items.map((f) => fileView(f, attached.get(f.id))), nextCursor: found.nextCursor };
    },
    { readOnly: true },
  );
}

async function attachmentsOf(tx: Tx, page: readonly FileRow[]) {
  const byFile = new Map<string, AttachmentRow[]>();
  if (page.length === 0) {
    return byFile;
  }
  const rows = await tx
    .select()
    .from(attachments)
    .where(
      and(
        inArray(
          attachments.fileId,
          page.map((f) => f.id),
        ),
        isNull(attachments.detachedAt),
      ),
    );
  for (const row of rows) {
    byFile.set(row.fileId, [...(byFile.get(row.fileId) ?? []), row]);
  }
  return byFile;
}

/** Every revision of a file's lineage, newest first. */
export async function fileHistory({ ctx, input }: { ctx: FileContext; input: z.infer<typeof ById> }) {
  const { file } = await visibleFile(ctx, input.id);
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rows = await tx
        .select()
        .from(files)
        .where(and(eq(files.lineageId, file.lineageId), inArray(files.status, ["available", "archived"])))
        .orderBy(sql`${files.revision} desc`);
      return rows.map((row) => fileView(row));
    },
    { readOnly: true },
  );
}

const onHold = () =>
  new AppError("PRECONDITION_FAILED", "files.file.legal_hold", {
    en: "The file is under legal hold and cannot be removed",
    bn: "ফাইলটি আইনি সংরক্ষণে আছে, তাই সরানো যাবে না",
  });

/** Applies `patch` to a file at `expectedVersion` (CONFLICT when stale); returns it before and after. */
async function updateFile(
  tx: Tx,
  input: z.infer<typeof Versioned>,
  check: (file: FileRow) => void,
  patch: Partial<typeof files.$inferInsert>,
  now: Date,
) {
  const before = await findFile(tx, input.id);
  if (before.version !== input.expectedVersion) {
    throw stale();
  }
  check(before);
  const [after] = await tx
    .update(files)
    .set({ ...patch, updatedAt: now, version: sql`${files.version} + 1` })
    .where(and(eq(files.id, input.id), eq(files.version, before.version)))
    .returning();
  if (!after) {
    throw stale();
  }
  return { before, after };
}

/** Hides a file from lists (it is collected after the grace period); refused under legal hold. */
export async function archiveFile({ ctx, input }: { ctx: FileContext; input: z.infer<typeof Versioned> }) {
  await visibleFile(ctx, input.id);
  const now = ctx.deps.now();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await updateFile(
      tx,
      input,
      (file) => {
        if (file.legalHold) {
          throw onHold();
        }
        if (file.status !== "available") {
          throw new AppError("PRECONDITION_FAILED", "files.file.not_archivable", {
            en: "Only an uploaded file can be archived",
            bn: "শুধু আপলোড করা ফাইল আর্কাইভ করা যায়",
          });
        }
      },
      { status: "archived", archivedAt: now },
      now,
    );
    await publish(tx, ctx, "vextrus.file.object.archived", input.id, {
      id: input.id,
      before: snapshot(change.before),
      after: snapshot(change.after),
    });
    return fileView(change.after);
  });
}

/** Sets or releases the legal hold: a held file can be neither archived nor collected. */
export async function setLegalHold({
  ctx,
  input,
}: {
  ctx: FileContext;
  input: z.infer<typeof SetLegalHoldInput>;
}) {
  await visibleFile(ctx, input.id);
  const now = ctx.deps.now();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await updateFile(tx, input, () => undefined, { legalHold: input.hold }, now);
    await publish(
      tx,
      ctx,
      input.hold ? "vextrus.file.object.legal_hold_set" : "vextrus.file.object.legal_hold_released",
      input.id,
      { id: input.id, before: snapshot(change.before), after: snapshot(change.after) },
    );
    return fileView(change.after);
  });
}
