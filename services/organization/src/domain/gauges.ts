import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";

/** Tenants by status, across tenants (the tenants gauge reads it at scrape time). */
export async function countTenantsByStatus(db: Database): Promise<{ status: string; n: number }[]> {
  const result = await db.privileged((tx) =>
    tx.execute(
      sql`select status::text as status, count(*)::int as n from organization.tenants group by status`,
    ),
  );
  return rowsOf<{ status: string; n: number }>(result);
}
