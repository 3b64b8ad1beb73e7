import type { Tx } from "@vextrus/platform/db";
import { and, eq, inArray, lte, notInArray, or, sql } from "drizzle-orm";
import { contacts, memberships, processes, subscriptions, userRoles } from "../db/schema.ts";

// The service's copy of auth's users, organization's memberships and workflow's processes, kept from
// their events inside the consumer's transaction (so exactly once with the inbox claim).

export interface ContactChange {
  userId: string;
  name?: string | null | undefined;
  email?: string | null | undefined;
  mobile?: string | null | undefined;
  emailVerified?: boolean | undefined;
  mobileVerified?: boolean | undefined;
  active?: boolean | undefined;
  /** auth's user version after the change, when the event carries it. */
  version?: number | undefined;
}

const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Applies what an auth event says about a user. Fields the event does not carry stay as they are;
 * an event older than the row's version (by auth's numbering) changes nothing.
 */
export async function upsertContact(tx: Tx, tenantId: string, change: ContactChange, now: Date) {
  const fields = defined({
    name: change.name,
    email: change.email,
    mobile: change.mobile,
    emailVerified: change.emailVerified,
    mobileVerified: change.mobileVerified,
    active: change.active,
  });
  const version = change.version ?? 0;
  await tx
    .insert(contacts)
    .values({ tenantId, userId: change.userId, ...fields, version, updatedAt: now })
    .onConflictDoUpdate({
      target: [contacts.tenantId, contacts.userId],
      set: { ...fields, version: sql`greatest(${contacts.version}, ${version})`, updatedAt: now },
      // Unversioned events (contact changes) always apply; versioned ones only when not older.
      setWhere: change.version === undefined ? undefined : lte(contacts.version, version),
    });
}

/** The user now holds exactly `roleIds`. */
export async function setUserRoles(tx: Tx, tenantId: string, userId: string, roleIds: readonly string[]) {
  await tx
    .delete(userRoles)
    .where(
      and(
        eq(userRoles.userId, userId),
        roleIds.length > 0 ? notInArray(userRoles.roleId, [...roleIds]) : undefined,
      ),
    );
  if (roleIds.length > 0) {
    await tx
      .insert(userRoles)
      .values(roleIds.map((roleId) => ({ tenantId, userId, roleId })))
      .onConflictDoNothing();
  }
}

/** A membership as organization's event shows it (`after` is the whole row). */
export async function upsertMembership(tx: Tx, tenantId: string, id: string, after: Record<string, unknown>) {
  const userId = typeof after.userId === "string" ? after.userId : undefined;
  const departmentId = typeof after.departmentId === "string" ? after.departmentId : undefined;
  const designationId = typeof after.designationId === "string" ? after.designationId : null;
  const archived = after.archivedAt !== null && after.archivedAt !== undefined;
  if (!userId || !departmentId) {
    return;
  }
  await tx
    .insert(memberships)
    .values({ tenantId, id, userId, departmentId, designationId, archived })
    .onConflictDoUpdate({
      target: [memberships.tenantId, memberships.id],
      set: { userId, departmentId, designationId, archived },
    });
}

export async function recordProcess(
  tx: Tx,
  tenantId: string,
  process: { id: string; initiatorId: string; subject: string },
) {
  await tx
    .insert(processes)
    .values({ tenantId, ...process })
    .onConflictDoUpdate({
      target: [processes.tenantId, processes.id],
      set: { initiatorId: process.initiatorId, subject: process.subject },
    });
}

export async function findProcess(tx: Tx, id: string) {
  const [row] = await tx.select().from(processes).where(eq(processes.id, id)).limit(1);
  return row;
}

/** The processes of `ids` this service knows, by id (one query). */
export async function processesOf(tx: Tx, ids: readonly string[]) {
  if (ids.length === 0) {
    return new Map<string, typeof processes.$inferSelect>();
  }
  const rows = await tx
    .select()
    .from(processes)
    .where(inArray(processes.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row]));
}

export type TargetKind = "role" | "department" | "designation";

/**
 * The users subscribed targets name: a role's holders (auth), the members of a department or the holders
 * of a designation with a live membership (organization). Only the tenant of `tx` is read (RLS): another
 * tenant's department or role id names nobody.
 */
export async function membersOf(tx: Tx, targets: readonly { kind: TargetKind; id: string }[]) {
  const ids = (kind: TargetKind) => [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.id))];
  const roleIds = ids("role");
  const departmentIds = ids("department");
  const designationIds = ids("designation");
  const byRole =
    roleIds.length > 0
      ? await tx
          .select({ userId: userRoles.userId })
          .from(userRoles)
          .where(inArray(userRoles.roleId, roleIds))
      : [];
  const live = (column: typeof memberships.departmentId | typeof memberships.designationId, of: string[]) =>
    tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(inArray(column, of), eq(memberships.archived, false)));
  const byDepartment = departmentIds.length > 0 ? await live(memberships.departmentId, departmentIds) : [];
  const byDesignation =
    designationIds.length > 0 ? await live(memberships.designationId, designationIds) : [];
  return [...new Set([...byRole, ...byDepartment, ...byDesignation].map((r) => r.userId))];
}

/** Everyone the tenant's subscriptions add to a message of `templateKey`. */
export async function subscribersOf(tx: Tx, templateKey: string): Promise<string[]> {
  const subs = await tx
    .select({ kind: subscriptions.kind, id: subscriptions.targetId })
    .from(subscriptions)
    .where(eq(subscriptions.templateKey, templateKey));
  return subs.length === 0 ? [] : membersOf(tx, subs);
}

/** The addresses of `userIds` that may be told anything (deactivated users are left out). */
export async function contactsOf(tx: Tx, userIds: readonly string[]) {
  if (userIds.length === 0) {
    return new Map<string, typeof contacts.$inferSelect>();
  }
  const rows = await tx
    .select()
    .from(contacts)
    .where(or(inArray(contacts.userId, [...userIds])));
  return new Map(rows.map((r) => [r.userId, r]));
}
