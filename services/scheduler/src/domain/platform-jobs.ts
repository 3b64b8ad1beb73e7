import type { Tx } from "@vextrus/platform/db";
import { type JobTarget, jobs } from "../db/schema.ts";
import { jobView, publishJob } from "./common.ts";
import { firstOccurrence } from "./schedule.ts";

/**
 * Who platform jobs act for: not a user of any tenant. Their service token carries this subject and
 * only the job's permissions.
 */
export const SCHEDULER_ACTOR = "00000000-0000-7000-8000-000000005ced";

interface PlatformJob {
  /** Also the job's idempotency key in each tenant, so a tenant gets it once. */
  key: string;
  name: string;
  everySeconds: number;
  target: JobTarget;
  permissions: string[];
}

/** Jobs every tenant gets when it is created, declared by the services that own their procedures. */
export const PLATFORM_JOBS: readonly PlatformJob[] = [
  {
    key: "platform:workflow.escalateOverdue",
    name: "Escalate overdue approval tasks",
    everySeconds: 300,
    target: { kind: "procedure", path: "workflow.escalateOverdue", type: "mutation" },
    permissions: ["workflow:task:escalate"],
  },
];

/** Gives the tenant every platform job it lacks (in the caller's tenant transaction, with its events). */
export async function ensurePlatformJobs(tx: Tx, tenantId: string, now: Date): Promise<number> {
  let added = 0;
  for (const job of PLATFORM_JOBS) {
    const [row] = await tx
      .insert(jobs)
      .values({
        tenantId,
        name: job.name,
        scheduleKind: "interval",
        intervalSeconds: job.everySeconds,
        target: job.target,
        permissions: job.permissions,
        timeoutMs: 60_000,
        maxAttempts: 3,
        backoffMs: 10_000,
        disableAfter: 5,
        catchUp: "last",
        idempotencyKey: job.key,
        nextRunAt: firstOccurrence({ kind: "interval", everySeconds: job.everySeconds }, now),
        createdBy: SCHEDULER_ACTOR,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (row) {
      added++;
      await publishJob(tx, tenantId, null, "vextrus.scheduler.job.created", {
        id: row.id,
        after: jobView(row),
      });
    }
  }
  return added;
}
