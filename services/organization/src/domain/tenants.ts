import { Bin, Etin } from "@vextrus/bd";
import { AppError, notFound, pageInput, pageOf, type TenantContext } from "@vextrus/platform";
import { keyset } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { companies, designations, tenants } from "../db/schema.ts";
import type { OrganizationDeps, OrgContext } from "../deps.ts";
import { definedOnly, ExpectedVersion, findRecord, Name, NameBn, updateRecord } from "./common.ts";
import { publish, publishChanged, publishCreated } from "./events.ts";

const LABEL = { en: "Organisation", bn: "প্রতিষ্ঠান" };
const NOT_FOUND = "organization.tenant.not_found";
const TABLE = { table: tenants, id: tenants.id, version: tenants.version };

export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lowercase letters, digits and single dashes")
  .min(3)
  .max(40);

export const CreateTenantInput = z.object({
  id: z.uuid().optional(),
  slug: Slug,
  legalName: Name,
  legalNameBn: NameBn,
  tradeLicenceNo: z.string().trim().min(1).max(50).optional(),
  bin: Bin.optional(),
  etin: Etin.optional(),
});
export type CreateTenantInput = z.infer<typeof CreateTenantInput>;

export const UpdateTenantInput = CreateTenantInput.omit({ id: true, slug: true })
  .partial()
  .extend({ expectedVersion: ExpectedVersion });

export const SetTenantStatusInput = z.object({ tenantId: z.uuid() });
export const ListTenantsInput = z.object(pageInput());

export type Tenant = typeof tenants.$inferSelect;
type PlatformContext = TenantContext<OrganizationDeps>;

/** Registers a new customer. Its id may be chosen by the caller (the auth service) so both halves agree. */
export async function createTenant({
  ctx,
  input,
}: {
  ctx: PlatformContext;
  input: CreateTenantInput;
}): Promise<Tenant> {
  const id = input.id ?? Bun.randomUUIDv7();
  const [row] = await ctx.deps.db.tenant(id, async (tx) => {
    const inserted = await tx
      .insert(tenants)
      .values({ ...input, id })
      .returning();
    for (const created of inserted) {
      await publishCreated(
        tx,
        { tenantId: id, principal: ctx.principal },
        "vextrus.organization.tenant.created",
        created,
      );
    }
    return inserted;
  });
  if (!row) {
    throw new AppError("INTERNAL", "organization.tenant.insert", {
      en: "Tenant not created",
      bn: "প্রতিষ্ঠান তৈরি হয়নি",
    });
  }
  ctx.deps.tenantStatus.set(id, "active");
  ctx.deps.metrics.tenantsCreated.inc();
  return row;
}

export async function getTenant({ ctx }: { ctx: OrgContext }): Promise<Tenant> {
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) => tx.select().from(tenants).where(eq(tenants.id, ctx.tenantId)),
    {
      readOnly: true,
    },
  );
  const row = rows[0];
  if (!row) {
    throw notFound(LABEL, NOT_FOUND);
  }
  return row;
}

export async function updateTenant({
  ctx,
  input,
}: {
  ctx: OrgContext;
  input: z.infer<typeof UpdateTenantInput>;
}) {
  const { expectedVersion, ...patch } = input;
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const change = await updateRecord<Tenant>(
      tx,
      TABLE,
      { id: ctx.tenantId, expectedVersion },
      definedOnly(patch),
      LABEL,
      NOT_FOUND,
    );
    await publishChanged(tx, ctx, "vextrus.organization.tenant.updated", change);
    return change.after;
  });
}

/** Suspends or reactivates any tenant: a platform operator's action, effective at once in this process. */
export async function setTenantStatus({
  ctx,
  input,
  status,
}: {
  ctx: PlatformContext;
  input: z.infer<typeof SetTenantStatusInput>;
  status: "active" | "suspended";
}): Promise<Tenant> {
  const row = await ctx.deps.db.tenant(input.tenantId, async (tx) => {
    // A status command, not a patch: suspending twice is suspending once, so it applies to the
    // version it finds (updateRecord still refuses a change made between the read and the write).
    const current = await findRecord<Tenant>(tx, TABLE, input.tenantId, LABEL, NOT_FOUND);
    const change = await updateRecord<Tenant>(
      tx,
      TABLE,
      { id: input.tenantId, expectedVersion: current.version },
      { status },
      LABEL,
      NOT_FOUND,
    );
    const type =
      status === "suspended"
        ? "vextrus.organization.tenant.suspended"
        : "vextrus.organization.tenant.activated";
    await publishChanged(tx, { tenantId: input.tenantId, principal: ctx.principal }, type, change);
    return change.after;
  });
  ctx.deps.tenantStatus.set(input.tenantId, status);
  return row;
}

/** Every tenant, for platform operators (a privileged read the tenants table's platform policy allows). */
export async function listTenants({
  ctx,
  input,
}: {
  ctx: PlatformContext;
  input: z.infer<typeof ListTenantsInput>;
}) {
  const page = keyset({ id: tenants.id }, input.cursor);
  const rows = await ctx.deps.db.privileged((tx) =>
    tx
      .select()
      .from(tenants)
      .where(page.where)
      .orderBy(...page.orderBy)
      .limit(input.limit + 1),
  );
  return pageOf(rows, input.limit, (row) => row.id);
}

export const DiscardTenantInput = z.object({ tenantId: z.uuid() });

/**
 * Undoes a registration that failed half-way (the auth service's compensation). Only a tenant that
 * holds nothing yet can be discarded; anything else is PRECONDITION_FAILED.
 */
export async function discardTenant({
  ctx,
  input,
}: {
  ctx: PlatformContext;
  input: z.infer<typeof DiscardTenantInput>;
}) {
  const removed = await ctx.deps.db.tenant(input.tenantId, async (tx) => {
    const [company] = await tx.select({ id: companies.id }).from(companies).limit(1);
    const [designation] = await tx.select({ id: designations.id }).from(designations).limit(1);
    if (company || designation) {
      throw new AppError("PRECONDITION_FAILED", "organization.tenant.in_use", {
        en: "This organisation already holds data and cannot be discarded",
        bn: "এই প্রতিষ্ঠানে ইতিমধ্যে তথ্য আছে, তাই এটি বাতিল করা যাবে না",
      });
    }
    const gone = await tx.delete(tenants).where(eq(tenants.id, input.tenantId)).returning();
    for (const before of gone) {
      await publish(
        tx,
        { tenantId: input.tenantId, principal: ctx.principal },
        "vextrus.organization.tenant.discarded",
        before.id,
        { id: before.id, before },
      );
    }
    return gone;
  });
  if (removed.length === 0) {
    throw notFound(LABEL, NOT_FOUND);
  }
  ctx.deps.tenantStatus.set(input.tenantId, "missing");
  return { tenantId: input.tenantId, discarded: true };
}
