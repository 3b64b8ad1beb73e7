import { hasPermission } from "@vextrus/platform";
import type { FileContext } from "../deps.ts";
import type { Entity } from "../upstream/records.ts";
import { type AttachmentRow, entityOf, type FileRow, recordHidden } from "./common.ts";

/** Who may see every file of the tenant, attached or not (an administrator). */
export const MANAGE = "file-storage:file:manage";

/** Whether the caller may read `entity`, asked of its owning service (cached briefly). */
export const canReadRecord = (ctx: FileContext, entity: Entity) => ctx.deps.records.canRead(ctx, entity);

/**
 * Access follows the parent record: a file attached to records is visible to whoever may read one
 * of them; a file attached to nothing only to whoever uploaded it (and file managers). Must be
 * called outside any transaction: it may ask other services.
 */
export async function canSee(ctx: FileContext, file: FileRow, attached: readonly AttachmentRow[]) {
  if (hasPermission(ctx.principal.permissions, MANAGE)) {
    return true;
  }
  if (attached.length === 0) {
    return file.createdBy === ctx.principal.userId;
  }
  const answers = await Promise.allSettled(attached.map((a) => canReadRecord(ctx, entityOf(a))));
  if (answers.some((a) => a.status === "fulfilled" && a.value)) {
    return true;
  }
  const failed = answers.find((a) => a.status === "rejected");
  if (failed) {
    throw failed.reason;
  }
  return false;
}

export async function assertCanSee(ctx: FileContext, file: FileRow, attached: readonly AttachmentRow[]) {
  if (!(await canSee(ctx, file, attached))) {
    throw recordHidden("id");
  }
}
