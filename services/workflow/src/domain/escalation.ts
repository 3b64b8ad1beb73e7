import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { assignments, definitions, tasks } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { decidersOfRound } from "./authority.ts";
import { Journal, lockProcess } from "./common.ts";
import { count } from "./texts.ts";

const HOUR_MS = 3_600_000;
const BATCH = 200;

/**
 * Nothing to give: deadlines are judged by the server's clock (injected at construction), never by a
 * time the caller sends; `{ now }` is refused rather than silently ignored.
 */
export const EscalateInput = z.strictObject({}).optional();

/**
 * Moves every approver task of the caller's tenant that is past its SLA to the next person up the
 * requester's chain, restarts its clock and records why. Committee tasks and tasks with nobody above
 * them stay where they are (reported as `stuck`).
 */
export async function escalateOverdue({ ctx }: { ctx: WorkflowContext }) {
  const journal = new Journal(ctx);
  const now = journal.now;
  const result = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const overdue = await tx
      .select({ id: tasks.id, processId: tasks.processId })
      .from(tasks)
      .where(and(eq(tasks.status, "pending"), eq(tasks.kind, "approver"), lt(tasks.dueAt, now)))
      .orderBy(asc(tasks.dueAt))
      .limit(BATCH);
    const escalated: { taskId: string; fromUserId: string; toUserId: string }[] = [];
    const stuck: string[] = [];
    for (const candidate of overdue) {
      const process = await lockProcess(tx, candidate.processId);
      const [task] = await tx.select().from(tasks).where(eq(tasks.id, candidate.id));
      if (task?.status !== "pending" || !task.dueAt || task.dueAt >= now) {
        continue;
      }
      // Never to someone who already decided a step of this round: they could not decide this one.
      const decided = await decidersOfRound(tx, process);
      const next = process.chain.find(
        (link) =>
          link.level > (task.chainLevel ?? 0) &&
          link.userId !== process.initiatorId &&
          !decided.has(link.userId),
      );
      if (!next) {
        stuck.push(task.id);
        continue;
      }
      const [definition] = await tx
        .select({ slaHours: definitions.slaHours })
        .from(definitions)
        .where(eq(definitions.id, process.definitionId));
      const slaHours = definition?.slaHours ?? 24;
      const dueAt = new Date(now.getTime() + slaHours * HOUR_MS);
      await tx
        .update(tasks)
        .set({
          assigneeId: next.userId,
          chainLevel: next.level,
          dueAt,
          activatedAt: now,
          escalations: sql`${tasks.escalations} + 1`,
          version: sql`${tasks.version} + 1`,
          updatedAt: now,
        })
        .where(eq(tasks.id, task.id));
      await tx
        .update(assignments)
        .set({ endedAt: now })
        .where(and(eq(assignments.taskId, task.id), isNull(assignments.endedAt)));
      await tx.insert(assignments).values({
        tenantId: ctx.tenantId,
        taskId: task.id,
        userId: next.userId,
        reason: "escalated",
        assignedAt: now,
      });
      const hoursLate = Math.floor((now.getTime() - task.dueAt.getTime()) / HOUR_MS);
      journal.transition({
        processId: process.id,
        taskId: task.id,
        round: process.round,
        action: "escalated",
        actorId: ctx.principal.userId,
        fromStatus: "pending",
        toStatus: "pending",
        details: {
          fromUserId: task.assigneeId,
          toUserId: next.userId,
          dueAt: dueAt.toISOString(),
          reason: {
            en: `Not decided within the ${slaHours} h SLA (due ${task.dueAt.toISOString()}, ${hoursLate} h late): moved to the next person up the chain`,
            bn: `${count(slaHours).bn} ঘণ্টার নির্ধারিত সময়ে সিদ্ধান্ত হয়নি (${count(hoursLate).bn} ঘণ্টা দেরি): চেইনের পরবর্তী ব্যক্তির কাছে পাঠানো হয়েছে`,
          },
        },
      });
      journal.event("vextrus.workflow.task.escalated", task.id, {
        id: task.id,
        instanceId: process.id,
        fromUserId: task.assigneeId,
        toUserId: next.userId,
        dueAt: dueAt.toISOString(),
      });
      escalated.push({ taskId: task.id, fromUserId: task.assigneeId, toUserId: next.userId });
    }
    await journal.flush(tx);
    return { escalated, stuck };
  });
  ctx.deps.metrics.tasksEscalated.inc(result.escalated.length);
  return result;
}
