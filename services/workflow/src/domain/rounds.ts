import { preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import { assignments, tasks } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { type Journal, type ProcessRow, slot, type TaskRow } from "./common.ts";
import type { PlannedStep } from "./route.ts";

const HOUR_MS = 3_600_000;

interface RoundTask {
  step: number;
  kind: "approver" | "committee";
  committeeName: string | null;
  required: number;
  assigneeId: string;
  chainLevel: number | null;
}

const dueFrom = (now: Date, slaHours: number) => new Date(now.getTime() + slaHours * HOUR_MS);

/**
 * Creates the tasks of a new round, one per approver or committee member: step 1 open (pending, with
 * its SLA deadline), the rest waiting. Returns the open ones.
 */
export async function createRound(
  tx: Tx,
  ctx: WorkflowContext,
  journal: Journal,
  process: ProcessRow,
  steps: readonly PlannedStep[],
  slaHours: number,
): Promise<TaskRow[]> {
  const now = journal.now;
  const dueAt = dueFrom(now, slaHours);
  const rows = steps.flatMap((step): RoundTask[] =>
    step.kind === "approver"
      ? [
          {
            step: step.step,
            kind: step.kind,
            committeeName: null,
            required: 1,
            assigneeId: step.approvers[0].userId,
            chainLevel: step.approvers[0].level,
          },
        ]
      : step.memberIds.map((memberId) => ({
          step: step.step,
          kind: step.kind,
          committeeName: step.committeeName,
          required: step.required,
          assigneeId: memberId,
          chainLevel: null,
        })),
  );
  const created = await tx
    .insert(tasks)
    .values(
      rows.map((row) => ({
        ...row,
        tenantId: ctx.tenantId,
        processId: process.id,
        round: process.round,
        ...(row.step === 1
          ? { status: "pending" as const, dueAt, activatedAt: now }
          : { status: "waiting" as const }),
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
  await tx.insert(assignments).values(
    created.map((task) => ({
      tenantId: ctx.tenantId,
      taskId: task.id,
      userId: task.assigneeId,
      reason: "routed" as const,
      assignedAt: now,
    })),
  );
  const opened = created.filter((task) => task.status === "pending");
  announce(journal, process, opened, dueAt);
  return opened;
}

const openStep = preparedQuery("workflow.step.open", (db) =>
  db
    .update(tasks)
    .set({
      status: "pending",
      dueAt: slot<never>("dueAt"),
      activatedAt: slot<never>("now"),
      updatedAt: slot<never>("now"),
    })
    .where(
      and(
        eq(tasks.processId, sql.placeholder("processId")),
        eq(tasks.round, sql.placeholder("round")),
        eq(tasks.step, sql.placeholder("step")),
        eq(tasks.status, "waiting"),
      ),
    )
    .returning(),
);

/** Opens the waiting tasks of a step: they become pending, get their SLA deadline and are announced. */
export async function activateStep(
  tx: Tx,
  journal: Journal,
  process: ProcessRow,
  step: number,
  slaHours: number,
): Promise<TaskRow[]> {
  const now = journal.now;
  const dueAt = dueFrom(now, slaHours);
  const opened = await openStep(tx, { processId: process.id, round: process.round, step, dueAt, now });
  announce(journal, process, opened, dueAt);
  return opened;
}

function announce(journal: Journal, process: ProcessRow, opened: readonly TaskRow[], dueAt: Date) {
  for (const task of opened) {
    journal.transition({
      processId: process.id,
      taskId: task.id,
      round: process.round,
      action: "assigned",
      actorId: null,
      fromStatus: "waiting",
      toStatus: "pending",
      details: { assigneeId: task.assigneeId, step: task.step, dueAt: dueAt.toISOString() },
    });
    journal.event("vextrus.workflow.task.assigned", task.id, {
      id: task.id,
      instanceId: process.id,
      assigneeId: task.assigneeId,
      dueAt: dueAt.toISOString(),
      step: task.step,
      round: process.round,
    });
  }
}

/** Stops every open task of the process's current round (after a rejection or a return). */
export async function closeRound(tx: Tx, process: ProcessRow, now: Date): Promise<void> {
  await tx
    .update(tasks)
    .set({ status: "cancelled", updatedAt: now, version: sql`${tasks.version} + 1` })
    .where(
      and(
        eq(tasks.processId, process.id),
        eq(tasks.round, process.round),
        inArray(tasks.status, ["waiting", "pending"]),
      ),
    );
}
