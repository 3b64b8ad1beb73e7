import { forbidden, invalidField } from "@vextrus/platform";
import { and, asc, eq, inArray, ne, or } from "drizzle-orm";
import { z } from "zod";
import { delegations, processes, tasks } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { delegatedTo } from "./authority.ts";
import { findProcess, findTask, Journal, ListPage, type TaskRow } from "./common.ts";

const YEAR_MS = 366 * 24 * 3_600_000;

export const InboxInput = ListPage.pick({ limit: true }).extend({
  limit: z.number().int().min(1).max(200).default(50),
});

export const DelegateInput = z
  .object({
    /** One task of the caller's; or `all: true` for every task assigned to them until `until`. */
    taskId: z.uuid().optional(),
    all: z.literal(true).optional(),
    toUserId: z.uuid(),
    until: z.date(),
  })
  .refine((input) => (input.taskId ? !input.all : input.all), {
    message: "give either taskId or all: true",
    params: { messageBn: "taskId অথবা all: true — যেকোনো একটি দিন" },
    path: ["taskId"],
  });

/** The caller's open tasks: assigned to them, or to someone who delegated to them. Oldest first. */
export const inbox = ({ ctx, input }: { ctx: WorkflowContext; input: z.infer<typeof InboxInput> }) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const me = ctx.principal.userId;
      const now = ctx.deps.clock();
      const rows = await tx
        .select({
          task: tasks,
          process: {
            id: processes.id,
            subject: processes.subject,
            amount: processes.amount,
            initiatorId: processes.initiatorId,
            departmentId: processes.departmentId,
            status: processes.status,
            round: processes.round,
          },
        })
        .from(tasks)
        .innerJoin(processes, eq(processes.id, tasks.processId))
        .where(
          and(
            eq(tasks.status, "pending"),
            or(eq(tasks.assigneeId, me), and(delegatedTo(me, now), ne(processes.initiatorId, me))),
          ),
        )
        .orderBy(asc(tasks.dueAt), asc(tasks.id))
        .limit(input.limit);
      return rows.map((row) => ({
        ...row.task,
        process: row.process,
        via: row.task.assigneeId === me ? ("assigned" as const) : ("delegated" as const),
      }));
    },
    { readOnly: true },
  );

/**
 * Lets another user act for the caller on one task, or on all their tasks, until a time. The delegate
 * must be an active user of the tenant (checked before the transaction: it may ask auth).
 */
export async function delegate({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof DelegateInput>;
}) {
  if (input.toUserId !== ctx.principal.userId) {
    await ctx.deps.users.require(ctx, [{ field: "toUserId", id: input.toUserId }]);
  }
  return ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const me = ctx.principal.userId;
    const journal = new Journal(ctx);
    const now = journal.now;
    if (input.toUserId === me) {
      throw invalidField("toUserId", "workflow.delegation.self", {
        en: "You cannot delegate to yourself",
        bn: "আপনি নিজেকে প্রতিনিধি করতে পারেন না",
      });
    }
    if (input.until.getTime() <= now.getTime() || input.until.getTime() > now.getTime() + YEAR_MS) {
      throw invalidField("until", "workflow.delegation.until", {
        en: "A delegation must end in the future, within a year",
        bn: "প্রতিনিধিত্বের মেয়াদ ভবিষ্যতে এবং এক বছরের মধ্যে শেষ হতে হবে",
      });
    }
    let covered: TaskRow[];
    if (input.taskId) {
      const task = await findTask(tx, input.taskId);
      if (task.assigneeId !== me || !["waiting", "pending"].includes(task.status)) {
        throw forbidden("workflow.delegation.not_assignee", {
          en: "Only the assignee of an open task can delegate it",
          bn: "শুধু খোলা কাজের দায়িত্বপ্রাপ্ত ব্যক্তিই এটি প্রতিনিধিকে দিতে পারেন",
        });
      }
      const process = await findProcess(tx, task.processId);
      if (process.initiatorId === input.toUserId) {
        throw invalidField("toUserId", "workflow.delegation.to_initiator", {
          en: "The person who raised the request cannot approve it, even as a delegate",
          bn: "যিনি অনুরোধ করেছেন তিনি প্রতিনিধি হিসেবেও এটি অনুমোদন করতে পারেন না",
        });
      }
      covered = [task];
    } else {
      covered = await tx
        .select()
        .from(tasks)
        .where(and(eq(tasks.assigneeId, me), inArray(tasks.status, ["waiting", "pending"])));
    }
    const [delegation] = await tx
      .insert(delegations)
      .values({
        tenantId: ctx.tenantId,
        fromUserId: me,
        toUserId: input.toUserId,
        taskId: input.taskId ?? null,
        validUntil: input.until,
        createdAt: now,
      })
      .returning();
    if (!delegation) {
      throw new Error("insert into delegations returned nothing");
    }
    const processById = new Map<string, { round: number }>();
    for (const task of covered) {
      const process = processById.get(task.processId) ?? (await findProcess(tx, task.processId));
      processById.set(task.processId, process);
      journal.transition({
        processId: task.processId,
        taskId: task.id,
        round: process.round,
        action: "delegated",
        actorId: me,
        details: { toUserId: input.toUserId, until: input.until.toISOString(), all: !input.taskId },
      });
      if (task.status === "pending") {
        journal.event("vextrus.workflow.task.delegated", task.id, {
          id: task.id,
          instanceId: task.processId,
          fromUserId: me,
          toUserId: input.toUserId,
          until: input.until.toISOString(),
        });
      }
    }
    await journal.flush(tx);
    return { delegation, tasks: covered.map((t) => t.id) };
  });
}
