import { type EventInput, emit } from "@vextrus/events";
import { AppError, type Bilingual, hasPermission, invalidField, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { eq } from "drizzle-orm";
import { jobs, outbox } from "../db/schema.ts";
import type { SchedulerContext } from "../deps.ts";

export type JobRow = typeof jobs.$inferSelect;

const JOB: Bilingual = { en: "Job", bn: "কাজ" };
export const jobNotFound = () => notFound(JOB, "scheduler.job.not_found");

export const staleJob = () =>
  new AppError("CONFLICT", "scheduler.job.stale", {
    en: "The job was changed by someone else; reload and try again",
    bn: "কাজটি অন্য কেউ পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
  });

/** A job may carry only permissions its creator holds: scheduling never widens what a user may do. */
export function requireHeld(ctx: SchedulerContext, permissions: readonly string[]) {
  permissions.forEach((permission, index) => {
    if (!hasPermission(ctx.principal.permissions, permission)) {
      throw invalidField(`permissions.${index}`, "scheduler.job.permission_not_held", {
        en: `You cannot give a job the permission ${permission}: you do not hold it`,
        bn: `আপনি কাজটিকে ${permission} অনুমতি দিতে পারেন না: এটি আপনার নেই`,
      });
    }
  });
}

export async function findJob(tx: Tx, id: string, lock = false): Promise<JobRow> {
  const query = tx.select().from(jobs).where(eq(jobs.id, id)).limit(1);
  const [row] = await (lock ? query.for("update") : query);
  if (!row) {
    throw jobNotFound();
  }
  return row;
}

/** A job as the API and events show it. */
export const jobView = (row: JobRow) => ({
  id: row.id,
  name: row.name,
  schedule:
    row.scheduleKind === "cron"
      ? { kind: "cron" as const, cron: row.cron ?? "" }
      : row.scheduleKind === "once"
        ? { kind: "once" as const, runAt: (row.runAt ?? row.createdAt).toISOString() }
        : { kind: "interval" as const, everySeconds: row.intervalSeconds ?? 0 },
  target: row.target,
  permissions: row.permissions,
  timeoutSeconds: row.timeoutMs / 1000,
  maxAttempts: row.maxAttempts,
  backoffSeconds: row.backoffMs / 1000,
  disableAfter: row.disableAfter,
  catchUp: row.catchUp,
  idempotencyKey: row.idempotencyKey,
  status: row.status,
  nextRunAt: row.nextRunAt?.toISOString() ?? null,
  consecutiveFailures: row.consecutiveFailures,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** Writes a job event to the outbox in the caller's transaction: published if and only if it commits. */
export const publishJob = <T extends SchedulerEventType>(
  tx: Tx,
  tenantId: string,
  actorId: string | null,
  type: T,
  data: EventInput<T> & { id: string },
) => emit(tx, outbox, { type, subject: data.id, tenantId, actorId, data });

type SchedulerEventType =
  | "vextrus.scheduler.job.created"
  | "vextrus.scheduler.job.updated"
  | "vextrus.scheduler.job.fired"
  | "vextrus.scheduler.job.run_dead"
  | "vextrus.scheduler.job.disabled";
