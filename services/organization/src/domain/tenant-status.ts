import { AppError } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { tenants } from "../db/schema.ts";
import type { OrgContext } from "../deps.ts";

const TTL_MS = 2_000;

/**
 * Remembers each tenant's status for two seconds so that every call does not pay a query. A suspension
 * made by this process is seen at once; other replicas see it within the TTL.
 */
export class TenantStatusCache {
  readonly #entries = new Map<string, { status: "active" | "suspended" | "missing"; at: number }>();

  get(tenantId: string) {
    const entry = this.#entries.get(tenantId);
    return entry && Date.now() - entry.at < TTL_MS ? entry.status : undefined;
  }

  set(tenantId: string, status: "active" | "suspended" | "missing") {
    this.#entries.set(tenantId, { status, at: Date.now() });
  }
}

export async function assertTenantActive(
  ctx: Omit<OrgContext, "tenantId"> & { tenantId: string },
): Promise<void> {
  const cache = ctx.deps.tenantStatus;
  let status = cache.get(ctx.tenantId);
  if (!status) {
    const rows = await ctx.deps.db.tenant(
      ctx.tenantId,
      (tx) => tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, ctx.tenantId)),
      { readOnly: true },
    );
    status = rows[0]?.status ?? "missing";
    cache.set(ctx.tenantId, status);
  }
  if (status === "suspended") {
    throw new AppError("FORBIDDEN", "organization.tenant.suspended", {
      en: "This organisation is suspended; contact your administrator",
      bn: "এই প্রতিষ্ঠানটি স্থগিত করা হয়েছে; আপনার প্রশাসকের সাথে যোগাযোগ করুন",
    });
  }
  if (status === "missing") {
    throw new AppError("FORBIDDEN", "organization.tenant.unknown", {
      en: "This organisation is not registered",
      bn: "এই প্রতিষ্ঠানটি নিবন্ধিত নয়",
    });
  }
}
