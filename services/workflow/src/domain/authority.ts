import { forbidden } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, gt, isNull, or, type SQL, sql } from "drizzle-orm";
import { delegations, tasks } from "../db/schema.ts";
import type { ProcessRow, TaskRow } from "./common.ts";

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

/**
 * Who may decide a task: its assignee, or someone the assignee delegated to (for this task or all of
 * theirs) until a time not yet passed, and never the person who raised the request.
 * Returns on whose behalf the actor acts (null when they are the assignee).
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
    return { onBehalfOf: null };
  }
  if (await delegationFor(tx, task, actorId, now)) {
    return { onBehalfOf: task.assigneeId };
  }
  throw forbidden("workflow.task.not_assignee", {
    en: "Only the person this task is assigned to, or their current delegate, can act on it",
    bn: "শুধু যাঁকে এই কাজটি দেওয়া হয়েছে তিনি বা তাঁর বর্তমান প্রতিনিধি এটি করতে পারেন",
  });
}
