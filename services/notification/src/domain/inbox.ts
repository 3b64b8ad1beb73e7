import { emit } from "@vextrus/events";
import { notFound, pageInput, pageOf } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { keyset } from "@vextrus/platform/db";
import { and, count, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { deliveries, outbox } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";

export const ListInboxInput = z.strictObject({ unreadOnly: z.boolean().default(false), ...pageInput() });
export const MarkReadInput = z.strictObject({ id: z.uuid() });
export const NoInput = z.strictObject({}).optional();

type Row = typeof deliveries.$inferSelect;

const toMessage = (row: Row) => ({
  id: row.id,
  templateKey: row.templateKey,
  locale: row.locale,
  subject: row.subject,
  body: row.bodyText,
  createdAt: row.createdAt,
  readAt: row.readAt,
});

/** The caller's own in-app messages: nobody reads another user's inbox. */
const mine = (ctx: NotifyContext) =>
  and(eq(deliveries.channel, "in_app"), eq(deliveries.recipientId, ctx.principal.userId));

/** The caller's in-app messages, newest first (keyset on the id). */
export function listInbox({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof ListInboxInput> }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const page = keyset({ id: deliveries.id, direction: "desc" }, input.cursor);
      const rows = await tx
        .select()
        .from(deliveries)
        .where(and(mine(ctx), input.unreadOnly ? isNull(deliveries.readAt) : undefined, page.where))
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      const result = pageOf(rows, input.limit, (row) => row.id);
      return { items: result.items.map(toMessage), nextCursor: result.nextCursor };
    },
    { readOnly: true },
  );
}

export function unreadCount({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ n: count() })
        .from(deliveries)
        .where(and(mine(ctx), isNull(deliveries.readAt)));
      return { unread: row?.n ?? 0 };
    },
    { readOnly: true },
  );
}

const MESSAGE = { en: "Message", bn: "বার্তা" };

/** Records the reading in the verb's transaction (the outbox), so audit sees it. */
const announceRead = (tx: Tx, ctx: NotifyContext, id: string) =>
  emit(tx, outbox, {
    type: "vextrus.notification.delivery.read",
    subject: id,
    tenantId: ctx.tenantId,
    actorId: ctx.principal.userId,
    data: { id, channel: "in_app" },
  });

/** Marks one of the caller's messages read (again: it keeps the first reading time). */
export function markRead({ ctx, input }: { ctx: NotifyContext; input: z.infer<typeof MarkReadInput> }) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .select()
      .from(deliveries)
      .where(and(mine(ctx), eq(deliveries.id, input.id)))
      .for("update");
    if (!row) {
      throw notFound(MESSAGE, "notification.message.not_found");
    }
    if (row.readAt) {
      return toMessage(row);
    }
    const [updated] = await tx
      .update(deliveries)
      .set({ readAt: now })
      .where(eq(deliveries.id, row.id))
      .returning();
    await announceRead(tx, ctx, row.id);
    return toMessage(updated ?? row);
  });
}

export function markAllRead({ ctx }: { ctx: NotifyContext }) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const rows = await tx
      .update(deliveries)
      .set({ readAt: now })
      .where(and(mine(ctx), isNull(deliveries.readAt)))
      .returning({ id: deliveries.id });
    for (const row of rows) {
      await announceRead(tx, ctx, row.id);
    }
    return { marked: rows.length };
  });
}
