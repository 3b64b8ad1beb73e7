import { AppError } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq, sql } from "drizzle-orm";
import { usage } from "../db/schema.ts";

/**
 * Reserves `size` bytes of the tenant's quota for a pending upload. The usage row is locked, so
 * concurrent uploads of one tenant are counted one after another.
 */
export async function reserve(tx: Tx, tenantId: string, size: number, quota: number): Promise<void> {
  await tx.insert(usage).values({ tenantId }).onConflictDoNothing();
  const [row] = await tx.select().from(usage).where(eq(usage.tenantId, tenantId)).for("update");
  const used = (row?.storedBytes ?? 0) + (row?.reservedBytes ?? 0);
  if (used + size > quota) {
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
  await adjust(tx, tenantId, { reserved: size });
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
