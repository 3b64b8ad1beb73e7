import { AppError, notFound } from "@vextrus/platform";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { attachments, files } from "../db/schema.ts";
import type { FileContext } from "../deps.ts";
import { Entity } from "../upstream/records.ts";
import { canReadRecord } from "./access.ts";
import { activeAttachments, entityNotReadable, fileView, findFile } from "./common.ts";
import { publish } from "./events.ts";
import { visibleFile } from "./files.ts";

export const AttachInput = z.object({ fileId: z.uuid(), entity: Entity });
export type AttachInput = z.infer<typeof AttachInput>;

/** Both ends must be visible to the caller: the file, and the record (asked of its owner). */
async function checkBothEnds(ctx: FileContext, input: AttachInput) {
  await visibleFile(ctx, input.fileId);
  if (!(await canReadRecord(ctx, input.entity))) {
    throw entityNotReadable("entity");
  }
}

const matches = (input: AttachInput) =>
  and(
    eq(attachments.fileId, input.fileId),
    eq(attachments.service, input.entity.service),
    eq(attachments.entityType, input.entity.type),
    eq(attachments.entityId, input.entity.id),
    isNull(attachments.detachedAt),
  );

/** Attaches a file to a record; attaching it again changes nothing. */
export async function attachFile({ ctx, input }: { ctx: FileContext; input: AttachInput }) {
  await checkBothEnds(ctx, input);
  const now = ctx.deps.now();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const file = await findFile(tx, input.fileId);
    if (file.status === "archived" || file.supersededAt) {
      throw new AppError("PRECONDITION_FAILED", "files.file.not_attachable", {
        en: "An archived or replaced file cannot be attached",
        bn: "আর্কাইভ করা বা প্রতিস্থাপিত ফাইল যুক্ত করা যায় না",
      });
    }
    const [added] = await tx
      .insert(attachments)
      .values({
        tenantId: ctx.tenantId,
        fileId: input.fileId,
        service: input.entity.service,
        entityType: input.entity.type,
        entityId: input.entity.id,
        attachedBy: ctx.principal.userId,
        attachedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (added) {
      await tx.update(files).set({ unattachedSince: null }).where(eq(files.id, input.fileId));
      await publish(tx, ctx, "vextrus.file.object.attached", input.fileId, {
        id: input.fileId,
        entity: input.entity,
      });
    }
    return fileView(file, await activeAttachments(tx, input.fileId));
  });
}

/** Detaches a file from a record; a file attached to nothing is collected after the grace period. */
export async function detachFile({ ctx, input }: { ctx: FileContext; input: AttachInput }) {
  await checkBothEnds(ctx, input);
  const now = ctx.deps.now();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const file = await findFile(tx, input.fileId);
    const removed = await tx
      .update(attachments)
      .set({ detachedAt: now, detachedBy: ctx.principal.userId })
      .where(matches(input))
      .returning();
    if (removed.length === 0) {
      throw notFound({ en: "Attachment", bn: "সংযুক্তি" }, "files.attachment.not_found");
    }
    const left = await activeAttachments(tx, input.fileId);
    if (left.length === 0 && !file.supersededAt) {
      await tx.update(files).set({ unattachedSince: now }).where(eq(files.id, input.fileId));
    }
    await publish(tx, ctx, "vextrus.file.object.detached", input.fileId, {
      id: input.fileId,
      entity: input.entity,
    });
    return fileView(file, left);
  });
}
