import { forbidden } from "@vextrus/platform";
import { preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, eq, gt, isNotNull, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import { delegations, tasks } from "../db/schema.ts";
import type { ProcessRow, TaskRow } from "./common.ts";
import { count } from "./texts.ts";

/** SQL: `userId` may act on the task row in scope because its assignee delegated to them (still valid at `now`). */
export function delegatedTo(userId: string, now: Date): SQL {
  return sql`exists (select 1 from ${delegations} d
    where d.from_user_id = ${tasks.assigneeId} and d.to_user_id = ${userId} and d.valid_until > ${now.toISOString()}::timestamptz
      and (d.task_id is null or d.task_id = ${tasks.id}))`;
}

/** The active delegation that lets `userId` act on `task`, if there is one. */
async function delegationFor(tx: Tx, task: TaskRow, userId: string, now: Date) {
  const rows = await tx
    .select({ id: delegations.id })
    .from(delegations)
    .where(
      and(
        eq(delegations.fromUserId, task.assigneeId),
        eq(delegations.toUserId, userId),
        gt(delegations.validUntil, now),
        or(isNull(delegations.taskId), eq(delegations.taskId, task.id)),
      ),
    )
    .limit(1);
  return rows[0];
}

/** The people who already decided a task of the process's current round (any step, any capacity). */
export async function decidersOfRound(tx: Tx, process: ProcessRow): Promise<Set<string>> {
  const rows = await tx
    .select({ decidedBy: tasks.decidedBy })
    .from(tasks)
    .where(and(eq(tasks.processId, process.id), eq(tasks.round, process.round), isNotNull(tasks.decidedBy)));
  return new Set(rows.flatMap((row) => (row.decidedBy ? [row.decidedBy] : [])));
}

const earlierDecision = preparedQuery("workflow.round.earlierDecision", (db) =>
  db
    .select({ step: tasks.step })
    .from(tasks)
    .where(
      and(
        eq(tasks.processId, sql.placeholder("processId")),
        eq(tasks.round, sql.placeholder("round")),
        eq(tasks.decidedBy, sql.placeholder("actorId")),
        ne(tasks.id, sql.placeholder("taskId")),
      ),
    )
    .limit(1),
);

/**
 * Separation of duties: one person decides at most one step of a round and casts one committee vote,
 * whoever delegated to them. The process row is locked, so two decisions by one person serialize.
 */
async function assertFirstDecision(tx: Tx, process: ProcessRow, task: TaskRow, actorId: string) {
  const [earlier] = await earlierDecision(tx, {
    processId: process.id,
    round: process.round,
    actorId,
    taskId: task.id,
  });
  if (earlier) {
    throw forbidden("workflow.task.second_decision", {
      en: `You already decided step ${earlier.step} of this request: one person decides at most one step and casts one committee vote, even for someone who delegated to them. Delegate this task, or it escalates when overdue`,
      bn: `আপনি এই অনুরোধের ধাপ ${count(earlier.step).bn}-এ ইতিমধ্যে সিদ্ধান্ত দিয়েছেন: প্রতিনিধি হিসেবেও একজন ব্যক্তি একটি অনুরোধের সর্বোচ্চ একটি ধাপে সিদ্ধান্ত ও কমিটিতে একটি ভোট দিতে পারেন। কাজটি অন্য কাউকে দিন, নয়তো সময় পেরোলে এটি ঊর্ধ্বতনের কাছে যাবে`,
    });
  }
}

/**
 * Who may decide a task: its assignee, or someone the assignee delegated to (for this task or all of
 * theirs) until a time not yet passed, and never the person who raised the request, nor anyone who
 * already decided another task of this round. Returns on whose behalf the actor acts (null when they
 * are the assignee).
 */
export async function assertMayDecide(
  tx: Tx,
  process: ProcessRow,
  task: TaskRow,
  actorId: string,
  now: Date,
): Promise<{ onBehalfOf: string | null }> {
  if (process.initiatorId === actorId) {
    throw forbidden("workflow.task.own_request", {
      en: "Nobody approves their own request",
      bn: "কেউ নিজের অনুরোধ নিজে অনুমোদন করতে পারেন না",
    });
  }
  if (task.assigneeId === actorId) {
    await assertFirstDecision(tx, process, task, actorId);
    return { onBehalfOf: null };
  }
  if (await delegationFor(tx, task, actorId, now)) {
    await assertFirstDecision(tx, process, task, actorId);
    return { onBehalfOf: task.assigneeId };
  }
  throw forbidden("workflow.task.not_assignee", {
    en: "Only the person this task is assigned to, or their current delegate, can act on it",
    bn: "শুধু যাঁকে এই কাজটি দেওয়া হয়েছে তিনি বা তাঁর বর্তমান প্রতিনিধি এটি করতে পারেন",
  });
}
