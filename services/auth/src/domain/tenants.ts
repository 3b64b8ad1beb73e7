import type { Tx } from "@vextrus/platform/db";
import { and, eq, ne } from "drizzle-orm";
import { tenants } from "../db/schema.ts";

/**
 * Mirrors organization's suspension or reactivation of a tenant (inside the consumer's tenant
 * transaction). A suspended tenant's users cannot sign in or refresh; a pending registration is left
 * alone.
 */
export async function applyTenantStatus(tx: Tx, tenantId: string, status: "active" | "suspended") {
  await tx
    .update(tenants)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(tenants.id, tenantId), ne(tenants.status, "pending")));
}

/** True when the tenant of the current transaction is active here. */
export async function tenantIsActive(tx: Tx, tenantId: string): Promise<boolean> {
  const [row] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
  return row?.status === "active";
}
