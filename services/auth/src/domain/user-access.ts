import { AppError, notFound } from "@vextrus/platform";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { tenants, userRoles, users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import {
  activeAdmins,
  actor,
  assertMayAssign,
  permissionsOf,
  roleIdsOf,
  rolesWithPermissions,
} from "./access.ts";
import { revokeKeysCreatedBy } from "./api-keys.ts";
import { emitEvent } from "./events.ts";
import { revokeSessions } from "./sessions.ts";
import { LABELS } from "./texts.ts";
import { findUser, publicUser, snapshot } from "./users.ts";

/** The signed-in user, their tenant, roles and current permissions. */
export async function me({ ctx }: { ctx: AuthContext }) {
  const userId = actor(ctx);
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const user = await findUser(tx, userId);
      const [tenant] = await tx.select({ id: tenants.id, slug: tenants.slug }).from(tenants);
      const roleList = await rolesWithPermissions(tx, await roleIdsOf(tx, userId));
      return {
        user: publicUser(user),
        tenant: tenant ?? { id: ctx.tenantId, slug: null },
        roles: roleList.map((r) => ({ id: r.id, name: r.name })),
        permissions: await permissionsOf(tx, userId),
        sessionId: ctx.principal.sessionId ?? null,
      };
    },
    { readOnly: true },
  );
}

export const DeactivateUserInput = z.object({
  id: z.uuid(),
  reason: z.string().trim().min(1).max(500).optional(),
});

const lastAdmin = () =>
  new AppError("PRECONDITION_FAILED", "auth.user.last_admin", {
    en: "At least one active user must keep the admin role",
    bn: "অন্তত একজন সক্রিয় ব্যবহারকারীর অ্যাডমিন ভূমিকা থাকতে হবে",
  });

/** Ends a user's access: their sessions are revoked at once, so refresh fails immediately. */
export async function deactivateUser({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof DeactivateUserInput>;
}) {
  const by = actor(ctx);
  if (input.id === by) {
    throw new AppError("PRECONDITION_FAILED", "auth.user.self_deactivate", {
      en: "You cannot deactivate yourself",
      bn: "আপনি নিজেকে নিষ্ক্রিয় করতে পারবেন না",
    });
  }
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await findUser(tx, input.id);
    if (before.status === "deactivated") {
      return publicUser(before);
    }
    await assertMayAssign(ctx, tx, await roleIdsOf(tx, input.id));
    const now = ctx.deps.clock.now();
    const [after] = await tx
      .update(users)
      .set({ status: "deactivated", deactivatedAt: now, updatedAt: now, version: before.version + 1 })
      .where(eq(users.id, input.id))
      .returning();
    if (!after) {
      throw notFound(LABELS.user, "auth.user.not_found");
    }
    if ((await activeAdmins(tx)) === 0) {
      throw lastAdmin();
    }
    await revokeSessions(tx, ctx.deps, {
      tenantId: ctx.tenantId,
      userId: input.id,
      reason: "user_deactivated",
      actorId: by,
    });
    await revokeKeysCreatedBy(tx, now, {
      tenantId: ctx.tenantId,
      userId: input.id,
      actorId: by,
      reason: "creator_deactivated",
    });
    await emitEvent(tx, {
      type: "vextrus.auth.user.deactivated",
      subject: input.id,
      tenantId: ctx.tenantId,
      actorId: by,
      data: { userId: input.id, reason: input.reason, before: snapshot(before), version: after.version },
    });
    return publicUser(after);
  });
}

export const AssignRolesInput = z.object({ userId: z.uuid(), roleIds: z.array(z.uuid()).max(20) });

/**
 * Replaces a user's roles. The caller must hold every permission of each role added or removed, and
 * the tenant keeps at least one active admin.
 */
export async function assignRoles({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof AssignRolesInput>;
}) {
  const by = actor(ctx);
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    await findUser(tx, input.userId);
    const before = await roleIdsOf(tx, input.userId);
    const after = [...new Set(input.roleIds)];
    const added = after.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !after.includes(id));
    await assertMayAssign(ctx, tx, [...added, ...removed]);
    if (removed.length > 0) {
      await tx
        .delete(userRoles)
        .where(and(eq(userRoles.userId, input.userId), inArray(userRoles.roleId, removed)));
    }
    if (added.length > 0) {
      await tx
        .insert(userRoles)
        .values(
          added.map((roleId) => ({ tenantId: ctx.tenantId, userId: input.userId, roleId, assignedBy: by })),
        );
    }
    if ((await activeAdmins(tx)) === 0) {
      throw lastAdmin();
    }
    await emitEvent(tx, {
      type: "vextrus.auth.user.roles_assigned",
      subject: input.userId,
      tenantId: ctx.tenantId,
      actorId: by,
      data: { userId: input.userId, roleIds: after, before: { roleIds: before }, after: { roleIds: after } },
    });
    return { userId: input.userId, roleIds: after };
  });
}
