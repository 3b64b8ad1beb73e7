import { createHash, randomBytes } from "node:crypto";
import type { Database } from "@vextrus/platform/db";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { type deliveries, streamTickets } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";

const TICKET_TTL_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A one-minute, single-use ticket for the caller's inbox stream (`GET /notifications/stream?ticket=`). */
export function createStreamTicket({ ctx }: { ctx: NotifyContext }) {
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(ctx.deps.clock().getTime() + TICKET_TTL_MS);
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    // Tickets of the tenant that ran out an hour ago or more are of no use to anyone.
    await tx
      .delete(streamTickets)
      .where(lt(streamTickets.expiresAt, new Date(expiresAt.getTime() - 3_600_000)));
    await tx.insert(streamTickets).values({
      tenantId: ctx.tenantId,
      userId: ctx.principal.userId,
      secretHash: sha256(secret),
      expiresAt,
    });
    return { ticket: `${ctx.tenantId}.${secret}`, expiresAt };
  });
}

/** Whose stream a ticket opens (it is used up), or undefined for an unknown, used or expired one. */
export async function redeemStreamTicket(
  db: Database,
  ticket: string,
  now: Date,
): Promise<{ tenantId: string; userId: string } | undefined> {
  const [tenantId, secret] = ticket.split(".");
  if (!tenantId || !secret || !UUID.test(tenantId) || secret.length > 100) {
    return undefined;
  }
  const [row] = await db.tenant(tenantId, (tx) =>
    tx
      .update(streamTickets)
      .set({ usedAt: now })
      .where(
        and(
          eq(streamTickets.secretHash, sha256(secret)),
          isNull(streamTickets.usedAt),
          gt(streamTickets.expiresAt, now),
        ),
      )
      .returning({ userId: streamTickets.userId }),
  );
  return row ? { tenantId, userId: row.userId } : undefined;
}

export type InboxRow = typeof deliveries.$inferSelect;
