import type { Tx } from "@vextrus/platform/db";
import { and, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import { blobs, files } from "../db/schema.ts";
import type { FileContext } from "../deps.ts";
import type { FileRow } from "./common.ts";
import { publish } from "./events.ts";
import { adjust } from "./quota.ts";

/** Files collected per run at most; the next run takes the rest. */
const BATCH = 500;

type Reason = "upload_expired" | "unattached" | "archived";

interface Removal {
  key: string;
  uploadId: string | null;
}

function reasonOf(file: FileRow): Reason {
  return file.status === "pending"
    ? "upload_expired"
    : file.status === "archived"
      ? "archived"
      : "unattached";
}

/** What the collector takes, each past the grace period and never under legal hold. */
async function collectable(tx: Tx, cutoff: Date): Promise<FileRow[]> {
  const heads = await tx
    .select()
    .from(files)
    .where(
      and(
        eq(files.legalHold, false),
        or(
          and(eq(files.status, "pending"), lt(files.uploadExpiresAt, cutoff)),
          and(eq(files.status, "archived"), lt(files.archivedAt, cutoff)),
          and(eq(files.status, "available"), isNull(files.supersededAt), lt(files.unattachedSince, cutoff)),
        ),
      ),
    )
    .limit(BATCH)
    .for("update");
  // A head that goes takes its earlier revisions (the history of a file nothing holds) with it.
  const lineages = heads.filter((f) => f.status === "available").map((f) => f.lineageId);
  const earlier =
    lineages.length === 0
      ? []
      : await tx
          .select()
          .from(files)
          .where(
            and(
              inArray(files.lineageId, lineages),
              eq(files.legalHold, false),
              eq(files.status, "available"),
              sql`${files.supersededAt} is not null`,
            ),
          )
          .for("update");
  return [...heads, ...earlier];
}

/** Quota a collection gives back, in bytes. */
interface Released {
  reserved: number;
  stored: number;
}

/**
 * Marks one file collected; adds the quota it held to `released` and returns the object to remove,
 * if nothing else uses it.
 */
async function collectOne(
  ctx: FileContext,
  tx: Tx,
  file: FileRow,
  now: Date,
  released: Released,
): Promise<Removal | undefined> {
  await tx
    .update(files)
    .set({ status: "collected", collectedAt: now, updatedAt: now, version: sql`${files.version} + 1` })
    .where(eq(files.id, file.id));
  let removal: Removal | undefined;
  if (file.status === "pending") {
    released.reserved += file.reservedBytes;
    removal = { key: file.key, uploadId: file.uploadId };
  } else if (file.blobId) {
    const [other] = await tx
      .select({ id: files.id })
      .from(files)
      .where(and(eq(files.blobId, file.blobId), ne(files.status, "collected")))
      .limit(1);
    if (!other) {
      // Collected files keep their metadata but no longer point at bytes.
      await tx.update(files).set({ blobId: null }).where(eq(files.blobId, file.blobId));
      await tx.delete(blobs).where(eq(blobs.id, file.blobId));
      released.stored += file.size;
      removal = { key: file.key, uploadId: null };
    }
  }
  await publish(tx, ctx, "vextrus.file.object.collected", file.id, {
    id: file.id,
    reason: reasonOf(file),
    objectRemoved: removal !== undefined,
  });
  return removal;
}

/**
 * Collects the tenant's uploads never completed and files nothing holds (unattached or archived)
 * once the grace period has passed, never a file under legal hold; bytes go when no file shares
 * them any more. The job the scheduler runs; objects are removed after the transaction commits.
 */
export async function collectFiles({ ctx }: { ctx: FileContext }) {
  const now = ctx.deps.now();
  const cutoff = new Date(now.getTime() - ctx.deps.limits.graceMs);
  const { collected, removals } = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const found = await collectable(tx, cutoff);
    const removed: Removal[] = [];
    const released: Released = { reserved: 0, stored: 0 };
    for (const file of found) {
      const removal = await collectOne(ctx, tx, file, now, released);
      if (removal) {
        removed.push(removal);
      }
    }
    // Given back once for the batch: one quota slot locked, never a second one waited for while one
    // is held (the way concurrent locks in another order deadlock; see quota.ts).
    await adjust(tx, ctx.tenantId, { reserved: -released.reserved, stored: -released.stored });
    return { collected: found.length, removals: removed };
  });
  const { store } = ctx.deps;
  for (const removal of removals) {
    if (removal.uploadId) {
      await store.abortMultipart(removal.key, removal.uploadId).catch(() => undefined);
    }
    await store.remove(removal.key);
  }
  ctx.deps.metrics.filesCollected.inc(collected);
  return { collected, objectsRemoved: removals.length };
}
