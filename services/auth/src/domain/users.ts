import { BdMobile } from "@vextrus/bd";
import { AppError, notFound, pageInput, pageOf } from "@vextrus/platform";
import { keyset, type Tx } from "@vextrus/platform/db";
import { and, eq, ilike, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { passwordResetTokens, userRoles, users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { actor, assertMayAssign, roleIdsOf } from "./access.ts";
import { addMinutes } from "./clock.ts";
import { deliverAll, type SecretMessage } from "./courier.ts";
import { emitEvent } from "./events.ts";
import { Email, Name } from "./identifiers.ts";
import { mintToken, sha256 } from "./secrets.ts";
import { concurrentUserChange, LABELS, staleUser, uniqueViolation } from "./texts.ts";

/** An invitation link is valid for three days. */
export const INVITE_TTL_MINUTES = 3 * 24 * 60;

type User = typeof users.$inferSelect;

export const publicUser = (u: User) => ({
  id: u.id,
  tenantId: u.tenantId,
  name: u.name,
  email: u.email,
  mobile: u.mobile,
  status: u.status,
  createdAt: u.createdAt,
  emailVerifiedAt: u.emailVerifiedAt,
  mobileVerifiedAt: u.mobileVerifiedAt,
  updatedAt: u.updatedAt,
  deactivatedAt: u.deactivatedAt,
  version: u.version,
});

export const snapshot = (u: User) => ({ name: u.name, email: u.email, mobile: u.mobile, status: u.status });

export async function findUser(tx: Tx, id: string): Promise<User> {
  const [row] = await tx.select().from(users).where(eq(users.id, id));
  if (!row) {
    throw notFound(LABELS.user, "auth.user.not_found");
  }
  return row;
}

/** A unique violation on e-mail or mobile as CONFLICT naming the field; anything else rethrown. */
export function duplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint === "users_tenant_id_email_key") {
    throw new AppError(
      "CONFLICT",
      "auth.user.email_taken",
      { en: "A user with this e-mail exists", bn: "এই ই-মেইলের একজন ব্যবহারকারী আছেন" },
      "email",
    );
  }
  if (constraint === "users_tenant_id_mobile_key") {
    throw new AppError(
      "CONFLICT",
      "auth.user.mobile_taken",
      { en: "A user with this mobile number exists", bn: "এই মোবাইল নম্বরের একজন ব্যবহারকারী আছেন" },
      "mobile",
    );
  }
  throw error;
}

export const ListUsersInput = z
  .object({
    ...pageInput({ defaultLimit: 50 }),
    status: z.enum(["invited", "active", "deactivated"]).optional(),
    search: z.string().trim().min(1).max(100).optional(),
  })
  .default({ limit: 50 });

export async function listUsers({ ctx, input }: { ctx: AuthContext; input: z.infer<typeof ListUsersInput> }) {
  const page = keyset({ id: users.id }, input.cursor);
  const rows = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const pattern = input.search ? `%${input.search.replace(/[%_\\]/g, "\\$&")}%` : undefined;
      const list = await tx
        .select()
        .from(users)
        .where(
          and(
            page.where,
            input.status ? eq(users.status, input.status) : undefined,
            pattern ? or(ilike(users.name, pattern), ilike(users.email, pattern)) : undefined,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const assignments =
        list.length > 0
          ? await tx
              .select()
              .from(userRoles)
              .where(
                inArray(
                  userRoles.userId,
                  list.map((u) => u.id),
                ),
              )
          : [];
      return list.map((u) => ({
        ...publicUser(u),
        roleIds: assignments.filter((a) => a.userId === u.id).map((a) => a.roleId),
      }));
    },
    { readOnly: true },
  );
  return pageOf(rows, input.limit, (row) => row.id);
}

export const GetUserInput = z.object({ id: z.uuid() });

export async function getUser({ ctx, input }: { ctx: AuthContext; input: z.infer<typeof GetUserInput> }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => ({ ...publicUser(await findUser(tx, input.id)), roleIds: await roleIdsOf(tx, input.id) }),
    { readOnly: true },
  );
}

export const InviteUserInput = z.object({
  name: Name,
  email: Email,
  mobile: BdMobile.optional(),
  roleIds: z.array(z.uuid()).max(20).default([]),
});

/**
 * Adds a person who sets their own password through an invitation link. The link goes only to the
 * invited address (through the courier): the inviter never sees it, only its hash is stored, and the
 * event never carries it.
 */
export async function inviteUser({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof InviteUserInput>;
}) {
  const invitedBy = actor(ctx);
  const { deps } = ctx;
  const now = deps.clock.now();
  const expiresAt = addMinutes(now, INVITE_TTL_MINUTES);
  const result = await deps.db
    .tenant(ctx.tenantId, async (tx) => {
      await assertMayAssign(ctx, tx, input.roleIds);
      const [user] = await tx
        .insert(users)
        .values({
          tenantId: ctx.tenantId,
          name: input.name,
          email: input.email,
          mobile: input.mobile,
          status: "invited",
        })
        .returning();
      if (!user) {
        throw new Error("user not created");
      }
      const roleIds = [...new Set(input.roleIds)];
      if (roleIds.length > 0) {
        await tx.insert(userRoles).values(
          roleIds.map((roleId) => ({
            tenantId: ctx.tenantId,
            userId: user.id,
            roleId,
            assignedBy: invitedBy,
          })),
        );
      }
      const resetId = Bun.randomUUIDv7();
      const token = mintToken(ctx.tenantId, resetId);
      await tx.insert(passwordResetTokens).values({
        id: resetId,
        tenantId: ctx.tenantId,
        userId: user.id,
        purpose: "invite",
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
      });
      await emitEvent(tx, {
        type: "vextrus.auth.user.invited",
        subject: user.id,
        tenantId: ctx.tenantId,
        actorId: invitedBy,
        data: {
          userId: user.id,
          email: user.email,
          mobile: user.mobile,
          invitedBy,
          roleIds,
          resetId,
          expiresAt: expiresAt.toISOString(),
          version: user.version,
        },
      });
      return { user, roleIds, resetId, token };
    })
    .catch(duplicate);
  const message: SecretMessage = {
    purpose: "invite",
    tenantId: ctx.tenantId,
    userId: result.user.id,
    resetId: result.resetId,
    address: result.user.email,
    token: result.token,
    expiresAt,
  };
  await deliverAll(deps.courier, ctx.log, [message]);
  return {
    user: { ...publicUser(result.user), roleIds: result.roleIds },
    invitation: { expiresAt },
  };
}

/**
 * What `users.update` changes: the name. E-mail and mobile are where password resets go, so they change
 * only through `changeContact` (the person, with their password) or `users.changeContact` (an admin with
 * auth:user:change-contact); a strict object refuses them here rather than ignoring them.
 */
export const UpdateUserInput = z.strictObject({
  id: z.uuid(),
  name: Name.optional(),
  expectedVersion: z.number().int().min(1),
});

export async function updateUser({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof UpdateUserInput>;
}) {
  return ctx.deps.db
    .tenant(ctx.tenantId, async (tx) => {
      const before = await findUser(tx, input.id);
      if (input.expectedVersion !== before.version) {
        throw staleUser();
      }
      const patch = input.name !== undefined ? { name: input.name } : {};
      const [after] = await tx
        .update(users)
        .set({ ...patch, version: before.version + 1, updatedAt: ctx.deps.clock.now() })
        .where(and(eq(users.id, input.id), eq(users.version, before.version)))
        .returning();
      if (!after) {
        throw concurrentUserChange();
      }
      await emitEvent(tx, {
        type: "vextrus.auth.user.updated",
        subject: after.id,
        tenantId: ctx.tenantId,
        actorId: ctx.principal.userId,
        data: { userId: after.id, before: snapshot(before), after: snapshot(after), version: after.version },
      });
      return publicUser(after);
    })
    .catch(duplicate);
}
