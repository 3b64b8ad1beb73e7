import { AppError } from "@vextrus/platform";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * A tenant's quota, held in SLOTS rows of `file_storage.usage` so that concurrent uploads of one
 * tenant do not queue on one row (a row lock is held to COMMIT, and a commit waits for the WAL
 * flush). The invariant, kept by every statement below under the locks it takes:
 *
 *   for the slots balanced for quota Q:  Σ free_bytes = Q − Σ (stored_bytes + reserved_bytes)
 *
 * An upload takes its bytes from one slot that has them and that no one else holds (FOR UPDATE SKIP
 * LOCKED): free never goes below zero there, so the tenant's use never exceeds Q. When no free slot
 * has the room (or the quota changed), every slot of the tenant is locked, the free bytes are
 * counted from the use again, and spread evenly over the slots: the upload fits only if the whole
 * tenant has the room. Releases (a completed duplicate, a collected file) give bytes back to any slot.
 */
export const SLOTS = 16;

const exceeded = (used: number, quota: number) =>
  new AppError(
    "PRECONDITION_FAILED",
    "files.quota.exceeded",
    {
      en: `The organisation's storage quota would be exceeded (${used} of ${quota} bytes in use)`,
      bn: `প্রতিষ্ঠানের সংরক্ষণ সীমা অতিক্রম করবে (${quota} বাইটের মধ্যে ${used} বাইট ব্যবহৃত)`,
    },
    "size",
  );

/** Which count new bytes join: a pending upload's reservation, or bytes already stored. */
type Held = "reserved" | "stored";

/**
 * Takes `size` bytes of the tenant's `quota` (nothing for 0 bytes: known content takes no more
 * room), as reserved for a pending upload, or as stored for bytes already written (a generated
 * file). PRECONDITION_FAILED on `size` when the tenant has not the room.
 */
export async function reserve(
  tx: Tx,
  tenantId: string,
  size: number,
  quota: number,
  as: Held = "reserved",
): Promise<void> {
  if (size === 0) {
    return;
  }
  const column = sql.raw(as === "stored" ? "stored_bytes" : "reserved_bytes");
  // The savepoint goes out with the attempt (pipelined, no round trip of its own); see below.
  const [, attempt] = await Promise.all([
    tx.execute(sql`savepoint quota_pick`),
    tx.execute(sql`
      update file_storage.usage u
      set free_bytes = u.free_bytes - ${size}::bigint, ${column} = u.${column} + ${size}::bigint, updated_at = now()
      from (
        select slot from file_storage.usage
        where tenant_id = ${tenantId} and quota_bytes = ${quota}::bigint and free_bytes >= ${size}::bigint
        order by random() limit 1
        for update skip locked
      ) pick
      where u.tenant_id = ${tenantId} and u.slot = pick.slot and u.free_bytes >= ${size}::bigint
      returning u.slot`),
  ]);
  if (rowsOf(attempt).length === 0) {
    // The attempt can hold a slot it did not take: a slot another upload changed (and committed)
    // while this statement ran is locked first and only then found short of room, and the lock
    // stays. Carried into rebalance's locking in slot order, that one lock out of order deadlocked
    // concurrent rebalances (PostgreSQL's log, three of them, 8 Dec 2026). Rolling back to the
    // savepoint lets it go.
    await tx.execute(sql`rollback to savepoint quota_pick`);
    await rebalance(tx, tenantId, size, quota, column);
  }
}

/** Locks every slot of the tenant (creating missing ones), counts its use, and spreads what is free. */
async function rebalance(tx: Tx, tenantId: string, size: number, quota: number, column: SQL): Promise<void> {
  await tx.execute(sql`
    insert into file_storage.usage (tenant_id, slot)
    select ${tenantId}, n from generate_series(0, ${SLOTS - 1}) n
    on conflict do nothing`);
  const [row] = rowsOf<{ used: string }>(
    await tx.execute(sql`
      select coalesce(sum(stored_bytes + reserved_bytes), 0)::text as used from (
        select stored_bytes, reserved_bytes from file_storage.usage
        where tenant_id = ${tenantId} order by slot for update
      ) locked`),
  );
  const used = Number(row?.used ?? 0);
  const free = quota - used - size;
  if (free < 0) {
    throw exceeded(used, quota);
  }
  await tx.execute(sql`
    update file_storage.usage
    set free_bytes = ${Math.floor(free / SLOTS)}::bigint + (case when slot < ${free % SLOTS} then 1 else 0 end),
        quota_bytes = ${quota}::bigint,
        ${column} = ${column} + (case when slot = 0 then ${size}::bigint else 0 end),
        updated_at = now()
    where tenant_id = ${tenantId}`);
}

/**
 * Moves bytes between reserved and stored (negative to release); what the tenant's use changes by
 * leaves or joins its free bytes. Any slot does: one no one holds, else one at random (waiting).
 */
export async function adjust(tx: Tx, tenantId: string, change: { reserved?: number; stored?: number }) {
  const reserved = change.reserved ?? 0;
  const stored = change.stored ?? 0;
  if (reserved === 0 && stored === 0) {
    return;
  }
  const set = sql`
    reserved_bytes = u.reserved_bytes + ${reserved}::bigint,
    stored_bytes = u.stored_bytes + ${stored}::bigint,
    free_bytes = u.free_bytes - ${reserved + stored}::bigint,
    updated_at = now()`;
  const unheld = rowsOf(
    await tx.execute(sql`
      update file_storage.usage u set ${set}
      from (
        select slot from file_storage.usage where tenant_id = ${tenantId}
        order by random() limit 1
        for update skip locked
      ) pick
      where u.tenant_id = ${tenantId} and u.slot = pick.slot
      returning u.slot`),
  );
  if (unheld.length > 0) {
    return;
  }
  // Every slot is held by another upload (or the tenant has none yet): wait for one.
  await tx.execute(sql`
    insert into file_storage.usage (tenant_id, slot)
    select ${tenantId}, n from generate_series(0, ${SLOTS - 1}) n
    on conflict do nothing`);
  await tx.execute(sql`
    update file_storage.usage u set ${set}
    where u.tenant_id = ${tenantId} and u.slot = ${Math.floor(Math.random() * SLOTS)}`);
}
