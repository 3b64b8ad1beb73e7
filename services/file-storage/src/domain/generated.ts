import { AppError, conflict, hasPermission, invalidField } from "@vextrus/platform";
import { and, eq, sql } from "drizzle-orm";
import { attachments, files } from "../db/schema.ts";
import type { FileContext } from "../deps.ts";
import { objectKey } from "../storage/keys.ts";
import type { Entity } from "../upstream/records.ts";
import { blobOf, fileView, mismatch, writeChecked } from "./common.ts";
import { matchesType, SNIFF_BYTES } from "./content-types.ts";
import { fileFacts, publish } from "./events.ts";
import { tenantLimits } from "./limits.ts";
import { reserve } from "./quota.ts";

/**
 * The records whose owning service makes their file itself, in the request that makes the record,
 * and the permission that lets a caller make one: an issued document's PDF. Whoever may issue a
 * document may store the one file of a new document; nobody else's record is reachable this way,
 * because the record must have had no file attached ever (checked under a lock), so the owner need
 * not be asked (no call back into the service that is issuing).
 */
export const GENERATED_FOR: Readonly<Record<string, string>> = {
  "documents.document": "document-generator:document:issue",
};

export interface StoreGeneratedInput {
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  attachTo: Entity;
  body: ReadableStream<Uint8Array>;
}

/**
 * Stores a file a service generated for a record it is creating, in one request: the bytes are
 * streamed to storage (which refuses them unless their SHA-256 is the declared one, as they arrive;
 * the first bytes are sniffed on the way for the content type), then ONE transaction records the file
 * as available, its blob, its attachment to the record and its events, and counts it in the quota.
 * Nothing is visible unless all of it holds; a refusal after the bytes were written removes them.
 */
export async function storeGenerated({ ctx, input }: { ctx: FileContext; input: StoreGeneratedInput }) {
  const { store, db } = ctx.deps;
  const entityName = `${input.attachTo.service}.${input.attachTo.type}`;
  const required = GENERATED_FOR[entityName];
  if (!required) {
    throw invalidField("attachTo", "files.generated.not_allowed", {
      en: `Files for ${entityName} records are uploaded, not generated`,
      bn: `${entityName} রেকর্ডের ফাইল আপলোড করতে হয়, তৈরি করা যায় না`,
    });
  }
  if (!hasPermission(ctx.principal.permissions, required)) {
    throw new AppError("FORBIDDEN", "auth.permission.missing", {
      en: `You may not make ${entityName} records`,
      bn: `আপনার ${entityName} রেকর্ড তৈরির অনুমতি নেই`,
    });
  }
  // The tenant's own limits (configuration keys), as for any upload.
  const limits = await tenantLimits(ctx);
  if (input.size > limits.maxFileBytes) {
    throw invalidField("size", "files.file.too_large", {
      en: `The file is larger than the ${limits.maxFileBytes} bytes allowed`,
      bn: `ফাইলটি অনুমোদিত ${limits.maxFileBytes} বাইটের চেয়ে বড়`,
    });
  }
  const now = ctx.deps.now();
  const fileId = Bun.randomUUIDv7();
  const key = objectKey(ctx.tenantId, fileId, now);
  const head = new Uint8Array(SNIFF_BYTES);
  let headLength = 0;
  const sniff = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (headLength < SNIFF_BYTES) {
        const take = chunk.subarray(0, SNIFF_BYTES - headLength);
        head.set(take, headLength);
        headLength += take.length;
      }
      controller.enqueue(chunk);
    },
  });
  await writeChecked(store, key, input.body.pipeThrough(sniff), input.size, input.sha256);
  let done: Awaited<ReturnType<typeof record>>;
  try {
    if (!matchesType(input.contentType, head.subarray(0, headLength))) {
      throw mismatch(
        "contentType",
        `The file's content is not ${input.contentType}`,
        `ফাইলটির বিষয়বস্তু ${input.contentType} নয়`,
      );
    }
    done = await record();
  } catch (error) {
    await store.remove(key).catch(() => undefined);
    throw error;
  }
  if (done.deduplicated) {
    await store.remove(key).catch(() => undefined);
  }
  ctx.deps.metrics.uploadsCompleted.inc({ deduplicated: String(done.deduplicated) });
  ctx.deps.metrics.bytesUploaded.inc(input.size);
  return fileView(done.file, [done.attachment]);

  function record() {
    const entity = input.attachTo;
    return db.tenant(ctx.tenantId, async (tx) => {
      // One generated file per record, ever: concurrent stores for the same record queue here.
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(${`${entityName}:${entity.id}`}, 0))`,
      );
      const [taken] = await tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(
          and(
            eq(attachments.service, entity.service),
            eq(attachments.entityType, entity.type),
            eq(attachments.entityId, entity.id),
          ),
        )
        .limit(1);
      if (taken) {
        throw conflict("files.generated.record_has_files", {
          en: "That record already has files: a generated file is stored only with a new record",
          bn: "রেকর্ডটিতে আগেই ফাইল আছে: তৈরি করা ফাইল শুধু নতুন রেকর্ডের সাথে রাখা যায়",
        });
      }
      const { blob, deduplicated } = await blobOf(tx, {
        tenantId: ctx.tenantId,
        sha256: input.sha256,
        size: input.size,
        key,
        now,
      });
      const [file] = await tx
        .insert(files)
        .values({
          id: fileId,
          tenantId: ctx.tenantId,
          name: input.fileName,
          contentType: input.contentType,
          size: input.size,
          sha256: input.sha256,
          status: "available",
          key: blob.key,
          blobId: blob.id,
          uploadExpiresAt: now,
          lineageId: fileId,
          createdBy: ctx.principal.userId,
          completedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const [attachment] = await tx
        .insert(attachments)
        .values({
          tenantId: ctx.tenantId,
          fileId,
          service: entity.service,
          entityType: entity.type,
          entityId: entity.id,
          attachedBy: ctx.principal.userId,
          attachedAt: now,
        })
        .returning();
      if (!file || !attachment) {
        throw new Error("insert into files or attachments returned nothing");
      }
      await publish(tx, ctx, "vextrus.file.object.uploaded", fileId, {
        ...fileFacts(file),
        deduplicated,
        revision: 1,
      });
      await publish(tx, ctx, "vextrus.file.object.attached", fileId, { id: fileId, entity });
      // Last (the tenant's usage row stays locked to COMMIT): new bytes count against the quota.
      if (!deduplicated) {
        await reserve(tx, ctx.tenantId, input.size, limits.tenantQuotaBytes, "stored");
      }
      return { file, attachment, deduplicated };
    });
  }
}
