import { AppError } from "@vextrus/platform";
import { preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { tasks } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { assertMayDecide } from "./authority.ts";
import {
  Comment,
  closeProcess,
  Journal,
  lockTask,
  type ProcessRow,
  slot,
  staleTask,
  type TaskRow,
  touchProcess,
} from "./common.ts";
import { activateStep, closeRound } from "./rounds.ts";
import { count, taskStatus } from "./texts.ts";

export const DecideInput = z.object({
  taskId: z.uuid(),
  comment: Comment.optional(),
  /** The task version the caller saw: a decision on anything newer (or older) is CONFLICT. */
  expectedVersion: z.number().int().min(1),
});
export type DecideInput = z.infer<typeof DecideInput>;

export type Decision = "approved" | "rejected" | "returned";

/** The decision on a task still pending at the version the caller saw (built once: see preparedQuery). */
const decide = preparedQuery("workflow.task.decide", (db) =>
  db
    .update(tasks)
    .set({
      status: slot<never>("status"),
      decidedBy: slot<never>("decidedBy"),
      decidedAt: slot<never>("now"),
      comment: slot<never>("comment"),
      updatedAt: slot<never>("now"),
      version: sql`${tasks.version} + 1`,
    })
    .where(
      and(
        eq(tasks.id, sql.placeholder("id")),
        eq(tasks.version, sql.placeholder("expectedVersion")),
        eq(tasks.status, "pending"),
      ),
    )
    .returning(),
);

/**
 * Approves, rejects or returns a task. The process row is locked first, so decisions on one process
 * are serialized, and the task changes only if it is still pending at `expectedVersion`: of two
 * concurrent decisions on one task exactly one wins, the other is CONFLICT.
 */
export async function decideTask(ctx: WorkflowContext, input: DecideInput, decision: Decision) {
  const journal = new Journal(ctx);
  const now = journal.now;
  const result = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const { task, process, slaHours } = await lockTask(tx, input.taskId);
    const { onBehalfOf } = await assertMayDecide(tx, process, task, ctx.principal.userId, now);
    if (task.version !== input.expectedVersion) {
      throw staleTask();
    }
    if (task.status !== "pending") {
      throw new AppError("PRECONDITION_FAILED", "workflow.task.not_open", {
        en: `This task is ${task.status}, not waiting for a decision`,
        bn: `এই কাজটি এখন সিদ্ধান্তের অপেক্ষায় নেই (${taskStatus(task.status).bn})`,
      });
    }
    const [decided] = await decide(tx, {
      id: task.id,
      expectedVersion: input.expectedVersion,
      status: decision,
      decidedBy: ctx.principal.userId,
      now,
      comment: input.comment ?? null,
    });
    if (!decided) {
      throw staleTask();
    }
    journal.transition({
      processId: process.id,
      taskId: task.id,
      round: process.round,
      action: decision,
      actorId: ctx.principal.userId,
      fromStatus: "pending",
      toStatus: decision,
      comment: input.comment ?? null,
      details: { step: task.step, kind: task.kind, ...(onBehalfOf ? { onBehalfOf } : {}) },
    });
    const payload = {
      id: task.id,
      instanceId: process.id,
      decidedBy: ctx.principal.userId,
      ...(input.comment ? { comment: input.comment } : {}),
      ...(onBehalfOf ? { onBehalfOf } : {}),
      round: process.round,
      step: task.step,
    };
    journal.event(`vextrus.workflow.task.${decision}`, task.id, payload);
    const updated = await settleProcess(tx, journal, process, decided, decision, slaHours);
    await journal.flush(tx);
    return { task: decided, process: updated };
  });
  const latency = result.task.activatedAt ? (now.getTime() - result.task.activatedAt.getTime()) / 1000 : 0;
  ctx.deps.metrics.approvalLatency.observe({ decision }, Math.max(0, latency));
  if (result.process.status === "approved" || result.process.status === "rejected") {
    ctx.deps.metrics.processesCompleted.inc({ outcome: result.process.status });
  }
  return result;
}

/** What a decision does to its step and its process. */
async function settleProcess(
  tx: Tx,
  journal: Journal,
  process: ProcessRow,
  task: TaskRow,
  decision: Decision,
  slaHours: number,
): Promise<ProcessRow> {
  const now = journal.now;
  if (decision === "returned") {
    await closeRound(tx, process, now);
    return finish(tx, journal, process, "returned");
  }
  // An approver's step is decided by its one task; a committee's by counting its members' votes.
  let approvals = decision === "approved" ? 1 : 0;
  let open = 0;
  if (task.kind === "committee") {
    const votes = await tx
      .select({ status: tasks.status })
      .from(tasks)
      .where(and(eq(tasks.processId, process.id), eq(tasks.round, process.round), eq(tasks.step, task.step)));
    approvals = votes.filter((t) => t.status === "approved").length;
    open = votes.filter((t) => t.status === "pending").length;
  }
  if (decision === "rejected") {
    // An approver's rejection ends it; a committee only fails once it can no longer reach its quorum.
    if (approvals + open < task.required) {
      await closeRound(tx, process, now);
      return finish(tx, journal, process, "rejected");
    }
    return touchProcess(tx, process, now);
  }
  if (approvals < task.required) {
    return touchProcess(tx, process, now);
  }
  if (open > 0) {
    // The quorum is reached: the members who did not vote are no longer asked.
    await tx
      .update(tasks)
      .set({ status: "cancelled", updatedAt: now, version: sql`${tasks.version} + 1` })
      .where(
        and(
          eq(tasks.processId, process.id),
          eq(tasks.round, process.round),
          eq(tasks.step, task.step),
          eq(tasks.status, "pending"),
        ),
      );
  }
  // The round as it is now (this decision included): a later step opens; after the last one, the
  // same rows prove every step approved. One read serves both (no update that finds no waiting task).
  const round = await roundTasks(tx, { processId: process.id, round: process.round });
  if (round.some((t) => t.step === task.step + 1)) {
    const opened = await activateStep(tx, journal, process, task.step + 1, slaHours);
    if (opened.length > 0) {
      return touchProcess(tx, process, now);
    }
  }
  assertEveryStepApproved(round);
  return finish(tx, journal, process, "approved");
}

const roundTasks = preparedQuery("workflow.round.tasks", (db) =>
  db
    .select({ step: tasks.step, status: tasks.status, required: tasks.required })
    .from(tasks)
    .where(and(eq(tasks.processId, sql.placeholder("processId")), eq(tasks.round, sql.placeholder("round")))),
);

/** The invariant behind "approved": every step of the round (its tasks, read after the decision) has the approvals it required. */
function assertEveryStepApproved(round: readonly { step: number; status: string; required: number }[]) {
  for (const step of new Set(round.map((t) => t.step))) {
    const mine = round.filter((t) => t.step === step);
    const approvals = mine.filter((t) => t.status === "approved").length;
    if (approvals < (mine[0]?.required ?? 1)) {
      throw new AppError("INTERNAL", "workflow.process.unapproved_step", {
        en: `Step ${step} has not been approved`,
        bn: `ধাপ ${count(step).bn} অনুমোদিত হয়নি`,
      });
    }
  }
}

async function finish(
  tx: Tx,
  journal: Journal,
  process: ProcessRow,
  status: "approved" | "rejected" | "returned",
): Promise<ProcessRow> {
  const updated = await closeProcess(tx, process, journal.now, status);
  journal.transition({
    processId: process.id,
    round: process.round,
    action: status === "returned" ? "returned_for_changes" : "completed",
    actorId: journal.actorId,
    fromStatus: "in_progress",
    toStatus: status,
  });
  if (status !== "returned") {
    journal.event("vextrus.workflow.instance.completed", process.id, { id: process.id, outcome: status });
  }
  return updated;
}
