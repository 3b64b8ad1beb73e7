import { BdMobile } from "@vextrus/bd";
import { AppError, forbidden, invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../db/schema.ts";
import type { AuthContext } from "../deps.ts";
import { actor, coveredBy, permissionsOf } from "./access.ts";
import { deliverAll, type SecretMessage } from "./courier.ts";
import { emitEvent } from "./events.ts";
import { Email } from "./identifiers.ts";
import { reauthenticate } from "./reauth.ts";
import type { ClientInfo } from "./sessions.ts";
import { concurrentUserChange, staleUser } from "./texts.ts";
import { duplicate, findUser, publicUser } from "./users.ts";
import { addressOf, issueVerification, maskAddress } from "./verification.ts";

type User = typeof users.$inferSelect;

const Contact = {
  email: Email.optional(),
  /** `null` removes the mobile number. */
  mobile: BdMobile.nullable().optional(),
  expectedVersion: z.number().int().min(1),
};

/** The person changes their own e-mail or mobile: their current password is required. */
export const ChangeOwnContactInput = z.object({ currentPassword: z.string().min(1).max(128), ...Contact });
/** An admin changes another user's e-mail or mobile (auth:user:change-contact). */
export const ChangeUserContactInput = z.object({ id: z.uuid(), ...Contact });

type Patch = { email?: string | undefined; mobile?: string | null | undefined };

/**
 * Writes the new addresses (each unverified until its owner proves it), announces each change as
 * user.contact_changed (the previous address is told, through the notification service) and issues a
 * verification link to each new address. Returns the user and the links for the courier.
 */
async function applyContactChange(
  ctx: AuthContext,
  tx: Tx,
  before: User,
  patch: Patch,
  by: "self" | "admin",
): Promise<{ user: User; messages: SecretMessage[] }> {
  const changed = (["email", "mobile"] as const).filter(
    (channel) => patch[channel] !== undefined && patch[channel] !== addressOf(before, channel).address,
  );
  if (changed.length === 0) {
    return { user: before, messages: [] };
  }
  const now = ctx.deps.clock.now();
  const [after] = await tx
    .update(users)
    .set({
      ...(changed.includes("email") ? { email: patch.email, emailVerifiedAt: null } : {}),
      ...(changed.includes("mobile") ? { mobile: patch.mobile, mobileVerifiedAt: null } : {}),
      updatedAt: now,
      version: before.version + 1,
    })
    .where(and(eq(users.id, before.id), eq(users.version, before.version)))
    .returning();
  if (!after) {
    throw concurrentUserChange();
  }
  const messages: SecretMessage[] = [];
  for (const channel of changed) {
    const previous = addressOf(before, channel).address;
    const current = addressOf(after, channel).address;
    await emitEvent(tx, {
      type: "vextrus.auth.user.contact_changed",
      subject: after.id,
      tenantId: after.tenantId,
      actorId: ctx.principal.userId,
      data: {
        userId: after.id,
        channel,
        previous: previous ? maskAddress(channel, previous) : null,
        current: current ? maskAddress(channel, current) : null,
        address: current,
        deliveryAddress: previous,
        by,
      },
    });
    const message = current
      ? await issueVerification(tx, ctx.deps, {
          tenantId: after.tenantId,
          userId: after.id,
          channel,
          address: current,
        })
      : undefined;
    if (message) {
      messages.push(message);
    }
  }
  return { user: after, messages };
}

function assertSomething(patch: Patch) {
  if (patch.email === undefined && patch.mobile === undefined) {
    throw invalidField("email", "auth.contact.nothing", {
      en: "Give a new e-mail or mobile number",
      bn: "নতুন ই-মেইল বা মোবাইল নম্বর দিন",
    });
  }
}

async function changeContact(
  ctx: AuthContext,
  input: Patch & { id: string; expectedVersion: number },
  by: "self" | "admin",
  guard: (tx: Tx, before: User) => Promise<void>,
) {
  assertSomething(input);
  const result = await ctx.deps.db
    .tenant(ctx.tenantId, async (tx) => {
      const before = await findUser(tx, input.id);
      if (before.version !== input.expectedVersion) {
        throw staleUser();
      }
      await guard(tx, before);
      return applyContactChange(ctx, tx, before, input, by);
    })
    .catch(duplicate);
  await deliverAll(ctx.deps.courier, ctx.log, result.messages);
  return publicUser(result.user);
}

/**
 * Changes the caller's own e-mail and/or mobile after checking their current password (a wrong one
 * counts toward the account's lockout), so a stolen access token alone cannot redirect password resets.
 */
export async function changeOwnContact({
  ctx,
  input,
  client,
}: {
  ctx: AuthContext;
  input: z.infer<typeof ChangeOwnContactInput>;
  client: ClientInfo;
}) {
  assertSomething(input);
  const user = await reauthenticate(ctx, input.currentPassword, client);
  return changeContact(ctx, { ...input, id: user.id }, "self", async () => {});
}

/**
 * An admin changes another user's e-mail and/or mobile: never their own (that needs their password,
 * through changeContact), never an API key, and never for a user holding a permission the admin lacks
 * (else resetting that user's password through the new address would be an escalation).
 */
export async function changeUserContact({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof ChangeUserContactInput>;
}) {
  const by = actor(ctx);
  if (input.id === by) {
    throw new AppError("PRECONDITION_FAILED", "auth.contact.own_via_admin", {
      en: "Change your own e-mail or mobile with changeContact, which asks for your password",
      bn: "নিজের ই-মেইল বা মোবাইল changeContact দিয়ে পরিবর্তন করুন; সেখানে আপনার পাসওয়ার্ড লাগে",
    });
  }
  return changeContact(ctx, input, "admin", async (tx, before) => {
    if (!coveredBy(ctx.principal.permissions, await permissionsOf(tx, before.id))) {
      throw forbidden("auth.contact.escalation", {
        en: "You cannot change the contact details of a user who holds permissions you do not",
        bn: "আপনার নেই এমন অনুমতিধারী ব্যবহারকারীর যোগাযোগের তথ্য আপনি পরিবর্তন করতে পারবেন না",
      });
    }
  });
}
