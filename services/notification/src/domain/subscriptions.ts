import { emit } from "@vextrus/events";
import { conflict, notFound } from "@vextrus/platform";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { outbox, subscriptions } from "../db/schema.ts";
import type { NotifyContext } from "../deps.ts";

/** The messages a role or department can be subscribed to (those an event sends). */
export const SUBSCRIBABLE = [
  "task_assigned",
  "task_escalated",
  "process_approved",
  "process_rejected",
  "process_returned",
] as const;

export const AddSubscriptionInput = z.strictObject({
  templateKey: z.enum(SUBSCRIBABLE),
  /**
   * `role`: the holders of an auth role (what people may do, e.g. "Accounts approver");
   * `department`: the live members of an organization department; `designation`: the people whose
   * membership holds an organization designation (their job title, e.g. "Site Engineer").
   */
  kind: z.enum(["role", "department", "designation"]),
  /** auth's role id, or organization's department or designation id. */
  targetId: z.uuid(),
});
const KIND_BN = { role: "ভূমিকা", department: "বিভাগ", designation: "পদবি" } as const;

export const RemoveSubscriptionInput = z.strictObject({ id: z.uuid() });

type Row = typeof subscriptions.$inferSelect;
const view = (r: Row) => ({
  id: r.id,
  templateKey: r.templateKey,
  kind: r.kind,
  targetId: r.targetId,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

export function listSubscriptions({ ctx }: { ctx: NotifyContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) =>
      (
        await tx.select().from(subscriptions).orderBy(asc(subscriptions.templateKey), asc(subscriptions.id))
      ).map(view),
    { readOnly: true },
  );
}

/**
 * Also sends every message of `templateKey` to the role's holders, the department's members or the
 * designation's holders (resolved when each message is recorded, from the directory kept from events).
 */
export function addSubscription({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof AddSubscriptionInput>;
}) {
  const now = ctx.deps.clock();
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(subscriptions)
      .values({ tenantId: ctx.tenantId, ...input, createdBy: ctx.principal.userId, createdAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      throw conflict("notification.subscription.exists", {
        en: `That ${input.kind} already receives these messages`,
        bn: `এই ${KIND_BN[input.kind]} ইতিমধ্যে এই বার্তাগুলো পায়`,
      });
    }
    const after = view(row);
    await emit(tx, outbox, {
      type: "vextrus.notification.subscription.created",
      subject: row.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: row.id, after: { ...after, createdAt: after.createdAt.toISOString() } },
    });
    return after;
  });
}

export function removeSubscription({
  ctx,
  input,
}: {
  ctx: NotifyContext;
  input: z.infer<typeof RemoveSubscriptionInput>;
}) {
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [row] = await tx.delete(subscriptions).where(eq(subscriptions.id, input.id)).returning();
    if (!row) {
      throw notFound({ en: "Subscription", bn: "সাবস্ক্রিপশন" }, "notification.subscription.not_found");
    }
    const before = view(row);
    await emit(tx, outbox, {
      type: "vextrus.notification.subscription.removed",
      subject: row.id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: { id: row.id, before: { ...before, createdAt: before.createdAt.toISOString() } },
    });
    return { id: row.id, removed: true as const };
  });
}
