import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/** Bytes stored (deduplicated) and reserved by pending uploads, across tenants (for the gauge). */
export async function storedBytes(db: Database): Promise<{ stored: number; reserved: number }> {
  const result = await db.privileged((tx) =>
    tx.execute(
      sql`select coalesce(sum(stored_bytes), 0)::float8 as stored, coalesce(sum(reserved_bytes), 0)::float8 as reserved from file_storage.usage`,
    ),
  );
  const [row] = rowsOf<{ stored: number; reserved: number }>(result);
  return { stored: row?.stored ?? 0, reserved: row?.reserved ?? 0 };
}
