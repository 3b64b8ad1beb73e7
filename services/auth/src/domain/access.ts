import { forbidden, hasPermission, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, inArray } from "drizzle-orm";
import { rolePermissions, roles, userRoles, users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { BUILTIN_ROLES, isBuiltinRole } from "./permission-catalog.ts";
import { LABELS, needsUser } from "./texts.ts";

export interface RoleWithPermissions {
  id: string;
  name: string;
  description: string | null;
  builtin: boolean;
  permissions: string[];
  version: number;
}

/** Roles with their permissions (built-in roles' from code, custom roles' from role_permissions). */
export async function rolesWithPermissions(
  tx: Tx,
  roleIds?: readonly string[],
): Promise<RoleWithPermissions[]> {
  if (roleIds && roleIds.length === 0) {
    return [];
  }
  const rows = await tx
    .select()
    .from(roles)
    .where(roleIds ? inArray(roles.id, [...roleIds]) : undefined)
    .orderBy(roles.name);
  const custom = rows.filter((r) => !isBuiltinRole(r.builtin)).map((r) => r.id);
  const grants =
    custom.length > 0
      ? await tx.select().from(rolePermissions).where(inArray(rolePermissions.roleId, custom))
      : [];
  return rows.map((role) => ({
    id: role.id,
    name: role.name,
    description: role.description,
    builtin: isBuiltinRole(role.builtin),
    version: role.version,
    permissions: isBuiltinRole(role.builtin)
      ? [...BUILTIN_ROLES[role.builtin].permissions]
      : grants
          .filter((g) => g.roleId === role.id)
          .map((g) => g.permission)
          .sort(),
  }));
}

export async function roleIdsOf(tx: Tx, userId: string): Promise<string[]> {
  const rows = await tx
    .select({ roleId: userRoles.roleId })
    .from(userRoles)
    .where(eq(userRoles.userId, userId));
  return rows.map((r) => r.roleId);
}

/** Everything a user may do: the union of their roles' permissions, sorted. */
export async function permissionsOf(tx: Tx, userId: string): Promise<string[]> {
  const assigned = await roleIdsOf(tx, userId);
  const list = await rolesWithPermissions(tx, assigned);
  return [...new Set(list.flatMap((r) => r.permissions))].sort();
}

/** True when every permission in `wanted` is already granted by `granted` (no one hands out more than they hold). */
export const coveredBy = (granted: readonly string[], wanted: readonly string[]) =>
  wanted.every((permission) => hasPermission(granted, permission));

/** How many active users hold the built-in admin role. */
export async function activeAdmins(tx: Tx): Promise<number> {
  const rows = await tx
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .innerJoin(users, eq(users.id, userRoles.userId))
    .where(and(eq(roles.builtin, "admin"), eq(users.status, "active")));
  return new Set(rows.map((r) => r.userId)).size;
}

/** The caller as a user (an API key is not one). */
export function actor(ctx: AuthContext): string {
  if (ctx.principal.apiKeyId) {
    throw needsUser();
  }
  return ctx.principal.userId;
}

/** Refuses to hand out (or take away) roles whose permissions the caller does not hold. */
export async function assertMayAssign(ctx: AuthContext, tx: Tx, roleIds: readonly string[]) {
  const found = await rolesWithPermissions(tx, roleIds);
  if (found.length !== new Set(roleIds).size) {
    throw notFound(LABELS.role, "auth.role.not_found");
  }
  const beyond = found.filter((role) => !coveredBy(ctx.principal.permissions, role.permissions));
  if (beyond.length > 0) {
    throw forbidden("auth.role.escalation", {
      en: `You cannot assign a role with more permissions than you hold: ${beyond.map((r) => r.name).join(", ")}`,
      bn: `আপনার নিজের চেয়ে বেশি অনুমতির ভূমিকা আপনি দিতে পারেন না: ${beyond.map((r) => r.name).join(", ")}`,
    });
  }
}
