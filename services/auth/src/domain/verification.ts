import { invalidField } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, count, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { contactVerifications, users } from "../db/schema.ts";
import type { AuthContext, AuthDeps, PublicContext } from "../deps.ts";
import { actor } from "./access.ts";
import { addMinutes } from "./clock.ts";
import { deliverAll, type SecretMessage } from "./courier.ts";
import { emitEvent } from "./events.ts";
import { mintToken, parseToken, sameDigest, sha256 } from "./secrets.ts";
import { findUser } from "./users.ts";

/** A verification link is valid for a day; at most 3 may be open per address at once (no mail bombing). */
export const VERIFY_TTL_MINUTES = 24 * 60;
const MAX_OPEN = 3;

export type Channel = "email" | "mobile";
type User = typeof users.$inferSelect;

/** The user's address on a channel and when it was verified. */
export const addressOf = (user: User, channel: Channel) =>
  channel === "email"
    ? { address: user.email, verifiedAt: user.emailVerifiedAt }
    : { address: user.mobile, verifiedAt: user.mobileVerifiedAt };

/** An address with most of it hidden, for notices and the audit trail: `f***@example.com`, `+88017******78`. */
export function maskAddress(channel: Channel, address: string): string {
  if (channel === "email") {
    const at = address.lastIndexOf("@");
    return `${address.slice(0, Math.min(1, at))}***${address.slice(at)}`;
  }
  return `${address.slice(0, 6)}${"*".repeat(Math.max(address.length - 8, 0))}${address.slice(-2)}`;
}

/**
 * Issues a single-use link proving the user receives `address`, inside the caller's transaction:
 * stored hashed, announced as contact_verification.requested (without the secret). Returns the
 * message for the courier (to deliver after the commit), or nothing when enough links are open.
 */
export async function issueVerification(
  tx: Tx,
  deps: Pick<AuthDeps, "clock">,
  input: { tenantId: string; userId: string; channel: Channel; address: string },
): Promise<SecretMessage | undefined> {
  const now = deps.clock.now();
  const [open] = await tx
    .select({ n: count() })
    .from(contactVerifications)
    .where(
      and(
        eq(contactVerifications.userId, input.userId),
        eq(contactVerifications.address, input.address),
        isNull(contactVerifications.usedAt),
        gt(contactVerifications.expiresAt, now),
      ),
    );
  if ((open?.n ?? 0) >= MAX_OPEN) {
    return undefined;
  }
  const id = Bun.randomUUIDv7();
  const token = mintToken(input.tenantId, id);
  const expiresAt = addMinutes(now, VERIFY_TTL_MINUTES);
  await tx.insert(contactVerifications).values({
    id,
    tenantId: input.tenantId,
    userId: input.userId,
    channel: input.channel,
    address: input.address,
    tokenHash: sha256(token),
    createdAt: now,
    expiresAt,
  });
  await emitEvent(tx, {
    type: "vextrus.auth.contact_verification.requested",
    subject: input.userId,
    tenantId: input.tenantId,
    actorId: input.userId,
    data: {
      userId: input.userId,
      verificationId: id,
      channel: input.channel,
      deliveryAddress: input.address,
      expiresAt: expiresAt.toISOString(),
    },
  });
  return {
    purpose: "verify",
    tenantId: input.tenantId,
    userId: input.userId,
    resetId: id,
    address: input.address,
    token,
    expiresAt,
  };
}

/** Verification links for each of a user's addresses not verified yet (sign-up, accepted invitation). */
export async function issueVerificationsFor(tx: Tx, deps: Pick<AuthDeps, "clock">, user: User) {
  const messages: SecretMessage[] = [];
  for (const channel of ["email", "mobile"] as const) {
    const { address, verifiedAt } = addressOf(user, channel);
    const message =
      address && !verifiedAt
        ? await issueVerification(tx, deps, { tenantId: user.tenantId, userId: user.id, channel, address })
        : undefined;
    if (message) {
      messages.push(message);
    }
  }
  return messages;
}

export const RequestVerificationInput = z.object({ channel: z.enum(["email", "mobile"]) });

/**
 * Sends the signed-in user a link to verify their e-mail or mobile (again). An address already
 * verified gets nothing; a channel without an address is a 400 on `channel`.
 */
export async function requestContactVerification({
  ctx,
  input,
}: {
  ctx: AuthContext;
  input: z.infer<typeof RequestVerificationInput>;
}) {
  const userId = actor(ctx);
  const result = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { address, verifiedAt } = addressOf(await findUser(tx, userId), input.channel);
    if (!address) {
      throw invalidField("channel", "auth.contact.none", {
        en: "You have no mobile number to verify",
        bn: "যাচাই করার মতো কোনো মোবাইল নম্বর আপনার নেই",
      });
    }
    if (verifiedAt) {
      return { alreadyVerified: true, message: undefined };
    }
    const message = await issueVerification(tx, ctx.deps, {
      tenantId: ctx.tenantId,
      userId,
      channel: input.channel,
      address,
    });
    return { alreadyVerified: false, message };
  });
  await deliverAll(ctx.deps.courier, ctx.log, result.message ? [result.message] : []);
  return { channel: input.channel, alreadyVerified: result.alreadyVerified };
}

export const VerifyContactInput = z.object({ token: z.string().min(1).max(500) });

const LINK_INVALID = () =>
  invalidField("token", "auth.contact.verification_invalid", {
    en: "This verification link is invalid, used or expired; ask for a new one",
    bn: "এই যাচাইকরণ লিংকটি অবৈধ, ব্যবহৃত বা মেয়াদোত্তীর্ণ; নতুন একটি চেয়ে নিন",
  });

/**
 * Marks an address verified with the link sent to it. The link works once, within a day, and only
 * while the address is still the user's (a link to a replaced address verifies nothing).
 */
export async function verifyContact({
  ctx,
  input,
}: {
  ctx: PublicContext;
  input: z.infer<typeof VerifyContactInput>;
}) {
  const parsed = parseToken(input.token);
  if (!parsed) {
    throw LINK_INVALID();
  }
  const now = ctx.deps.clock.now();
  return ctx.deps.db.tenant(parsed.tenantId, async (tx) => {
    const [found] = await tx
      .select({ link: contactVerifications, user: users })
      .from(contactVerifications)
      .innerJoin(users, eq(users.id, contactVerifications.userId))
      .where(eq(contactVerifications.id, parsed.rowId));
    if (
      !found ||
      !sameDigest(sha256(input.token), found.link.tokenHash) ||
      found.link.usedAt ||
      found.link.expiresAt <= now ||
      found.user.status === "deactivated" ||
      addressOf(found.user, found.link.channel).address !== found.link.address
    ) {
      throw LINK_INVALID();
    }
    const claimed = await tx
      .update(contactVerifications)
      .set({ usedAt: now })
      .where(and(eq(contactVerifications.id, found.link.id), isNull(contactVerifications.usedAt)))
      .returning({ id: contactVerifications.id });
    if (claimed.length === 0) {
      throw LINK_INVALID();
    }
    const { channel } = found.link;
    const still = await tx
      .update(users)
      .set({
        ...(channel === "email" ? { emailVerifiedAt: now } : { mobileVerifiedAt: now }),
        updatedAt: now,
        version: sql`${users.version} + 1`,
      })
      .where(
        and(
          eq(users.id, found.user.id),
          eq(channel === "email" ? users.email : users.mobile, found.link.address),
        ),
      )
      .returning({ id: users.id });
    if (still.length === 0) {
      throw LINK_INVALID();
    }
    await emitEvent(tx, {
      type: "vextrus.auth.user.contact_verified",
      subject: found.user.id,
      tenantId: parsed.tenantId,
      actorId: found.user.id,
      data: { userId: found.user.id, channel, address: maskAddress(channel, found.link.address) },
    });
    return { userId: found.user.id, channel, verified: true as const };
  });
}
