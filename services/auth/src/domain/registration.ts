import { BdMobile, Bin, Etin } from "@vextrus/bd";
import { AppError, conflict, invalidField } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { credentials, roles, tenants, userRoles, users } from "../db/schema.ts";
import type { PublicContext } from "../deps.ts";
import { OrganizationError } from "../organization.ts";
import { deliverAll } from "./courier.ts";
import { emitEvent } from "./events.ts";
import { Email, Name, Slug } from "./identifiers.ts";
import { assertStrongPassword, hashPassword, Password } from "./passwords.ts";
import { BUILTIN_ROLE_NAMES, BUILTIN_ROLES } from "./permission-catalog.ts";
import { type ClientInfo, startSession } from "./sessions.ts";
import { addressBusy, uniqueViolation } from "./texts.ts";
import { issueVerificationsFor } from "./verification.ts";

export const RegisterTenantInput = z.object({
  tenant: z.object({ slug: Slug, legalName: Name, bin: Bin.optional(), etin: Etin.optional() }),
  admin: z.object({ name: Name, email: Email, mobile: BdMobile.optional(), password: Password }),
});
export type RegisterTenantInput = z.infer<typeof RegisterTenantInput>;

const SLUG_TAKEN = () =>
  new AppError(
    "CONFLICT",
    "auth.register.slug_taken",
    { en: "This organisation address is already taken", bn: "এই প্রতিষ্ঠানের ঠিকানাটি ইতিমধ্যে নেওয়া হয়েছে" },
    "tenant.slug",
  );
const EMAIL_TAKEN = () =>
  new AppError(
    "CONFLICT",
    "auth.register.email_taken",
    {
      en: "An organisation has already been registered with this e-mail",
      bn: "এই ই-মেইল দিয়ে ইতিমধ্যে একটি প্রতিষ্ঠান নিবন্ধিত হয়েছে",
    },
    "admin.email",
  );
const ORGANIZATION_DOWN = () =>
  new AppError("UNAVAILABLE", "auth.register.organization_unavailable", {
    en: "Registration is not possible right now; please try again in a few minutes",
    bn: "এই মুহূর্তে নিবন্ধন সম্ভব নয়; কয়েক মিনিট পরে আবার চেষ্টা করুন",
  });

/** Reserves slug and founding e-mail (a `pending` mirror row) before organization is asked. */
async function reserve(ctx: PublicContext, input: RegisterTenantInput, tenantId: string) {
  try {
    await ctx.deps.db.tenant(tenantId, (tx) =>
      tx.insert(tenants).values({ id: tenantId, slug: input.tenant.slug, ownerEmail: input.admin.email }),
    );
  } catch (error) {
    const constraint = uniqueViolation(error);
    if (constraint === "tenants_slug_key") {
      throw SLUG_TAKEN();
    }
    if (constraint === "tenants_owner_email_key") {
      throw EMAIL_TAKEN();
    }
    throw error;
  }
}

async function release(ctx: PublicContext, tenantId: string) {
  await ctx.deps.db.tenant(tenantId, (tx) => tx.delete(tenants).where(eq(tenants.id, tenantId)));
}

const RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

/**
 * Compensation: undoes the organization half. When organization cannot be reached, the discard is
 * retried in the background a few times; after that an operator is told (by log) which tenant to discard.
 */
async function undoOrganization(ctx: PublicContext, tenantId: string, attempt = 0): Promise<void> {
  try {
    await ctx.deps.organization.discardTenant(tenantId, ctx);
  } catch (error) {
    const delay = RETRY_DELAYS_MS[attempt];
    const message = error instanceof Error ? error.message : String(error);
    if (delay === undefined) {
      ctx.log.error("registration compensation failed: discard this organization tenant", {
        tenantId,
        message,
      });
      return;
    }
    ctx.log.warn("registration compensation deferred", { tenantId, message, retryInMs: delay });
    setTimeout(() => void undoOrganization(ctx, tenantId, attempt + 1), delay).unref();
  }
}

function fromOrganization(error: OrganizationError): AppError {
  switch (error.reason) {
    case "conflict":
      return SLUG_TAKEN();
    case "invalid":
      return invalidField(`tenant.${error.field ?? "slug"}`, "auth.register.organization_refused", {
        en: "The organisation details were refused",
        bn: "প্রতিষ্ঠানের তথ্য গ্রহণ করা হয়নি",
      });
    default:
      return ORGANIZATION_DOWN();
  }
}

/**
 * A company signs up: its tenant in the organization service, then its built-in roles and first admin
 * here, in one transaction with the user.registered event. If either half fails nothing is left:
 * organization's tenant is discarded and the reservation released.
 */
export async function registerTenant({
  ctx,
  input,
  client,
}: {
  ctx: PublicContext;
  input: RegisterTenantInput;
  client: ClientInfo;
}) {
  const { deps } = ctx;
  const { tenant, admin } = input;
  assertStrongPassword(admin.password, "admin.password", {
    email: admin.email,
    name: admin.name,
    slug: tenant.slug,
  });
  const wait = await deps.limits.registration.take(client.ip);
  if (wait > 0) {
    throw addressBusy("registration", wait);
  }
  const passwordHash = await hashPassword(admin.password);
  const tenantId = Bun.randomUUIDv7();
  await reserve(ctx, input, tenantId);
  try {
    await deps.organization.createTenant({ id: tenantId, ...tenant }, ctx);
  } catch (error) {
    const refused =
      error instanceof OrganizationError ? error : new OrganizationError("unavailable", String(error));
    // A timeout may hide a tenant that was created after all: discard it too (NOT_FOUND is fine).
    if (refused.reason === "unavailable") {
      await undoOrganization(ctx, tenantId);
    }
    await release(ctx, tenantId);
    deps.metrics.registrations.inc({ outcome: "organization_failed" });
    throw fromOrganization(refused);
  }
  try {
    const signer = await deps.keys.signingKey();
    const result = await deps.db.tenant(tenantId, async (tx) => {
      const now = deps.clock.now();
      await tx.update(tenants).set({ status: "active", updatedAt: now }).where(eq(tenants.id, tenantId));
      const created = await tx
        .insert(roles)
        .values(
          BUILTIN_ROLE_NAMES.map((name) => ({
            tenantId,
            name,
            builtin: name,
            description: BUILTIN_ROLES[name].description,
          })),
        )
        .returning({ id: roles.id, name: roles.name });
      const adminRole = created.find((r) => r.name === "admin");
      const [user] = await tx
        .insert(users)
        .values({ tenantId, email: admin.email, mobile: admin.mobile, name: admin.name, status: "active" })
        .returning();
      if (!user || !adminRole) {
        throw new Error("registration rows were not created");
      }
      await tx.insert(credentials).values({ userId: user.id, tenantId, passwordHash, changedAt: now });
      await tx.insert(userRoles).values({ tenantId, userId: user.id, roleId: adminRole.id, assignedAt: now });
      await emitEvent(tx, {
        type: "vextrus.auth.user.registered",
        subject: user.id,
        tenantId,
        actorId: user.id,
        data: {
          userId: user.id,
          email: user.email,
          mobile: user.mobile,
          name: user.name,
          roleIds: [adminRole.id],
          tenantCreated: true,
          version: user.version,
        },
      });
      // The registrant's addresses count as theirs only once they prove they receive them.
      const links = await issueVerificationsFor(tx, deps, user);
      const session = await startSession(tx, deps, { tenantId, userId: user.id, client, signer });
      return { session, user, links };
    });
    await deliverAll(deps.courier, ctx.log, result.links);
    deps.metrics.registrations.inc({ outcome: "succeeded" });
    const { session, user } = result;
    return {
      tenant: { id: tenantId, slug: tenant.slug, legalName: tenant.legalName },
      user: { id: user.id, name: user.name, email: user.email, mobile: user.mobile, tenantId },
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      expiresIn: session.expiresIn,
      permissions: session.permissions,
    };
  } catch (error) {
    await undoOrganization(ctx, tenantId);
    await release(ctx, tenantId);
    deps.metrics.registrations.inc({ outcome: "auth_failed" });
    if (uniqueViolation(error) !== undefined) {
      throw conflict("auth.register.conflict", {
        en: "This registration conflicts with an existing one",
        bn: "এই নিবন্ধনটি একটি বিদ্যমান নিবন্ধনের সাথে সাংঘর্ষিক",
      });
    }
    throw error;
  }
}
