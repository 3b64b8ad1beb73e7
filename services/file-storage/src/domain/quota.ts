import { AppError } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { usage } from "../db/schema.ts";

/**
 * Reserves `size` bytes of the tenant's quota for a pending upload, in one conditional UPDATE: the
 * usage row is locked from it to COMMIT, so concurrent uploads of one tenant are counted one after
 * another. Call it last in the transaction, so the lock is held as briefly as possible.
 */
export async function reserve(tx: Tx, tenantId: string, size: number, quota: number): Promise<void> {
  const take = () =>
    tx
      .update(usage)
      .set({ reservedBytes: sql`${usage.reservedBytes} + ${size}`, updatedAt: sql`now()` })
      .where(
        and(
          eq(usage.tenantId, tenantId),
          sql`${usage.storedBytes} + ${usage.reservedBytes} + ${size} <= ${quota}`,
        ),
      )
      .returning({ tenantId: usage.tenantId });
  if ((await take()).length > 0) {
    return;
  }
  // The tenant's first upload has no row yet (a concurrent first upload may be adding it).
  await tx.insert(usage).values({ tenantId }).onConflictDoNothing();
  if ((await take()).length > 0) {
    return;
  }
  const [row] = await tx.select().from(usage).where(eq(usage.tenantId, tenantId));
  const used = (row?.storedBytes ?? 0) + (row?.reservedBytes ?? 0);
  throw new AppError(
    "PRECONDITION_FAILED",
    "files.quota.exceeded",
    {
      en: `The organisation's storage quota would be exceeded (${used} of ${quota} bytes in use)`,
      bn: `প্রতিষ্ঠানের সংরক্ষণ সীমা অতিক্রম করবে (${quota} বাইটের মধ্যে ${used} বাইট ব্যবহৃত)`,
    },
    "size",
  );
}

/** Moves bytes between reserved and stored (negative to release). */
export async function adjust(tx: Tx, tenantId: string, change: { reserved?: number; stored?: number }) {
  await tx
    .update(usage)
    .set({
      reservedBytes: sql`greatest(${usage.reservedBytes} + ${change.reserved ?? 0}, 0)`,
      storedBytes: sql`greatest(${usage.storedBytes} + ${change.stored ?? 0}, 0)`,
      updatedAt: sql`now()`,
    })
    .where(eq(usage.tenantId, tenantId));
}
