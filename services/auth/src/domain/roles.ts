import { AppError, forbidden, invalidField, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { permissions, rolePermissions, roles, userRoles } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { coveredBy, type RoleWithPermissions, rolesWithPermissions } from "./access.ts";
import { emitEvent } from "./events.ts";
import { Name } from "./identifiers.ts";
import { isGrantablePermission } from "./permission-catalog.ts";
import { LABELS, uniqueViolation } from "./texts.ts";

const PermissionList = z.array(z.string().trim().min(1).max(100)).min(1).max(200);

export const CreateRoleInput = z.object({
  name: Name.max(60),
  description: z.string().trim().min(1).max(500).optional(),
  permissions: PermissionList,
});
export const UpdateRoleInput = z.object({
  id: z.uuid(),
  name: Name.max(60).optional(),
  description: z.string().trim().min(1).max(500).nullable().optional(),
  permissions: PermissionList.optional(),
  expectedVersion: z.number().int().min(1),
});
export const RoleIdInput = z.object({ id: z.uuid() });

/** Only tenant permissions, and only those the caller holds (no one grants more than they have). */
function assertGrantable(ctx: AuthContext, list: readonly string[]) {
  list.forEach((permission, index) => {
    if (!isGrantablePermission(permission)) {
      throw invalidField(`permissions.${index}`, "auth.permission.unknown", {
        en: `"${permission}" is not a permission a role can hold (<service>:<entity>:<action> of a tenant service)`,
        bn: `"${permission}" কোনো ভূমিকার অনুমতি হতে পারে না (<service>:<entity>:<action>)`,
      });
    }
  });
  if (!coveredBy(ctx.principal.permissions, list)) {
    throw forbidden("auth.role.escalation", {
      en: "A role cannot hold permissions you do not hold yourself",
      bn: "আপনার নিজের নেই এমন অনুমতি কোনো ভূমিকায় দেওয়া যায় না",
    });
  }
}

const builtinLocked = () =>
  new AppError("PRECONDITION_FAILED", "auth.role.builtin", {
    en: "Built-in roles cannot be changed or deleted",
    bn: "অন্তর্নির্মিত ভূমিকা পরিবর্তন বা মুছে ফেলা যায় না",
  });

function nameTaken(error: unknown): never {
  if (uniqueViolation(error) === "roles_tenant_id_name_key") {
    throw new AppError(
      "CONFLICT",
      "auth.role.name_taken",
      { en: "A role with this name exists", bn: "এই নামের একটি ভূমিকা আছে" },
      "name",
    );
  }
  throw error;
}

async function findRole(tx: Tx, id: string): Promise<RoleWithPermissions> {
  const [role] = await rolesWithPermissions(tx, [id]);
  if (!role) {
    throw notFound(LABELS.role, "auth.role.not_found");
  }
  return role;
}

const snapshot = (r: RoleWithPermissions) => ({
  name: r.name,
  description: r.description,
  permissions: r.permissions,
});

export const listRoles = ({ ctx }: { ctx: AuthContext }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => rolesWithPermissions(tx), { readOnly: true });

export const getRole = ({ ctx, input }: { ctx: AuthContext; input: z.infer<typeof RoleIdInput> }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => findRole(tx, input.id), { readOnly: true });

export async function createRole({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof CreateRoleInput>;
}) {
  assertGrantable(ctx, input.permissions);
  const list = [...new Set(input.permissions)].sort();
  return ctx.deps.db
    .tenant(ctx.tenantId, async (tx) => {
      const [row] = await tx
        .insert(roles)
        .values({ tenantId: ctx.tenantId, name: input.name, description: input.description })
        .returning({ id: roles.id });
      if (!row) {
        throw new Error("role not created");
      }
      await tx
        .insert(rolePermissions)
        .values(list.map((permission) => ({ tenantId: ctx.tenantId, roleId: row.id, permission })));
      const role = await findRole(tx, row.id);
      await emitEvent(tx, {
        type: "vextrus.auth.role.created",
        subject: role.id,
        tenantId: ctx.tenantId,
        actorId: ctx.principal.userId,
        data: { roleId: role.id, name: role.name, permissions: role.permissions, after: snapshot(role) },
      });
      return role;
    })
    .catch(nameTaken);
}

export async function updateRole({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof UpdateRoleInput>;
}) {
  if (input.permissions) {
    assertGrantable(ctx, input.permissions);
  }
  const list = input.permissions ? [...new Set(input.permissions)].sort() : undefined;
  return ctx.deps.db
    .tenant(ctx.tenantId, async (tx) => {
      const before = await findRole(tx, input.id);
      if (before.builtin) {
        throw builtinLocked();
      }
      // Changing a role changes what its holders may do: the caller must hold what it had, too.
      if (list && !coveredBy(ctx.principal.permissions, before.permissions)) {
        throw forbidden("auth.role.escalation", {
          en: "You cannot change a role that holds permissions you do not hold",
          bn: "আপনার নেই এমন অনুমতিসহ ভূমিকা আপনি পরিবর্তন করতে পারবেন না",
        });
      }
      if (input.expectedVersion !== before.version) {
        throw new AppError("CONFLICT", "auth.role.stale", {
          en: "The role was changed by someone else; reload and try again",
          bn: "ভূমিকাটি অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
        });
      }
      await tx
        .update(roles)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          version: before.version + 1,
          updatedAt: ctx.deps.clock.now(),
        })
        .where(eq(roles.id, input.id));
      if (list) {
        await tx.delete(rolePermissions).where(eq(rolePermissions.roleId, input.id));
        await tx
          .insert(rolePermissions)
          .values(list.map((permission) => ({ tenantId: ctx.tenantId, roleId: input.id, permission })));
      }
      const after = await findRole(tx, input.id);
      await emitEvent(tx, {
        type: "vextrus.auth.role.updated",
        subject: input.id,
        tenantId: ctx.tenantId,
        actorId: ctx.principal.userId,
        data: { roleId: input.id, before: snapshot(before), after: snapshot(after) },
      });
      return after;
    })
    .catch(nameTaken);
}

/** Deletes a custom role nobody holds (unassign it first). */
export async function deleteRole({ ctx, input }: { ctx: AuthContext; input: z.infer<typeof RoleIdInput> }) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const before = await findRole(tx, input.id);
    if (before.builtin) {
      throw builtinLocked();
    }
    const [holders] = await tx
      .select({ n: count() })
      .from(userRoles)
      .where(and(eq(userRoles.roleId, input.id)));
    if ((holders?.n ?? 0) > 0) {
      throw new AppError("PRECONDITION_FAILED", "auth.role.in_use", {
        en: "This role is still assigned to users; unassign it first",
        bn: "এই ভূমিকাটি এখনও ব্যবহারকারীদের দেওয়া আছে; আগে সরিয়ে নিন",
      });
    }
    await tx.delete(roles).where(eq(roles.id, input.id));
    await emitEvent(tx, {
      type: "vextrus.auth.role.deleted",
      subject: input.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { roleId: input.id, name: before.name, before: snapshot(before) },
    });
    return { id: input.id, deleted: true as const };
  });
}

/** The permission catalog (what roles can be built from; `<service>:*` grants a whole service). */
export const listPermissions = ({ ctx }: { ctx: AuthContext }) =>
  ctx.deps.db.tenant(ctx.tenantId, (tx) => tx.select().from(permissions).orderBy(permissions.name), {
    readOnly: true,
  });
