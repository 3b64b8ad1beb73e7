import { MAINTENANCE_PERMISSION, PLATFORM_TENANT_ID } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { type JobTarget, jobs } from "../db/schema.ts";
import { jobView, publishJob } from "./common.ts";
import { firstOccurrence } from "./schedule.ts";

/**
 * Who platform jobs act for: not a user of any tenant. Their service token carries this subject and
 * only the job's permissions.
 */
export const SCHEDULER_ACTOR = "00000000-0000-7000-8000-000000005ced";

/**
 * A job the platform declares in code (rather than a tenant through the API):
 * - `scope: "tenant"`: every tenant gets its own, acting in that tenant (created with the tenant,
 *   and given to older tenants by the hourly backfill);
 * - `scope: "platform"`: one job of the platform tenant, for housekeeping across every tenant
 *   (created when a scheduler starts). Platform operators see, pause and retry them with the
 *   `scheduler.*` procedures under a platform-tenant token.
 * Its `key` is its idempotency key: declaring it again changes nothing. A changed declaration needs
 * a new key (the old job can then be paused).
 */
export interface PlatformJob {
  key: string;
  name: string;
  scope: "tenant" | "platform";
  schedule: { kind: "interval"; everySeconds: number } | { kind: "cron"; cron: string };
  target: Extract<JobTarget, { kind: "procedure" }>;
  permissions: readonly string[];
  /** The first run is due when the job is created, not one interval later. */
  runNow?: boolean;
  timeoutSeconds?: number;
}

const every = (seconds: number) => ({ kind: "interval" as const, everySeconds: seconds });
const call = (path: string) => ({ kind: "procedure" as const, path, type: "mutation" as const });

/** Route names (`<name>.*` at the gateway) of the services with an outbox to prune. */
export const OUTBOX_SERVICES = [
  "auth",
  "organization",
  "masterData",
  "workflow",
  "rules",
  "notification",
  "files",
  "scheduler",
  "config",
  "imports",
  "documents",
] as const;

/** Every platform job. A service that needs one adds a line here (and exposes the procedure). */
export const PLATFORM_JOBS: readonly PlatformJob[] = [
  {
    key: "platform:workflow.escalateOverdue",
    name: "Escalate overdue approval tasks",
    scope: "tenant",
    schedule: every(300),
    target: call("workflow.escalateOverdue"),
    permissions: ["workflow:task:escalate"],
  },
  {
    key: "platform:scheduler.maintenance.backfillPlatformJobs",
    name: "Give every tenant its platform jobs",
    scope: "platform",
    schedule: every(3_600),
    runNow: true,
    target: call("scheduler.maintenance.backfillPlatformJobs"),
    permissions: [MAINTENANCE_PERMISSION, "platform:tenant:read"],
    timeoutSeconds: 600,
  },
  {
    key: "platform:auth.maintenance.pruneSignInAttempts",
    name: "Prune old sign-in attempts",
    scope: "platform",
    schedule: every(3_600),
    target: call("auth.maintenance.pruneSignInAttempts"),
    permissions: [MAINTENANCE_PERMISSION],
  },
  {
    key: "platform:audit.maintenance.applyRetention",
    name: "Apply the audit retention policy",
    scope: "platform",
    schedule: { kind: "cron", cron: "30 3 * * *" },
    target: call("audit.maintenance.applyRetention"),
    permissions: [MAINTENANCE_PERMISSION],
    timeoutSeconds: 600,
  },
  {
    key: "platform:notification.maintenance.sendDigests",
    name: "Send yesterday's notification digests",
    scope: "platform",
    schedule: { kind: "cron", cron: "0 8 * * *" },
    target: call("notification.maintenance.sendDigests"),
    permissions: [MAINTENANCE_PERMISSION],
    timeoutSeconds: 600,
  },
  ...OUTBOX_SERVICES.map(
    (service): PlatformJob => ({
      key: `platform:${service}.maintenance.pruneOutbox`,
      name: `Prune published events of ${service}`,
      scope: "platform",
      schedule: every(600),
      target: call(`${service}.maintenance.pruneOutbox`),
      permissions: [MAINTENANCE_PERMISSION],
    }),
  ),
];

/**
 * Gives the tenant every platform job of the scope it lacks (in the caller's tenant transaction,
 * with its events): `tenant` jobs for a customer tenant, `platform` jobs for the platform tenant.
 */
export async function ensurePlatformJobs(tx: Tx, tenantId: string, now: Date): Promise<number> {
  const scope = tenantId === PLATFORM_TENANT_ID ? "platform" : "tenant";
  let added = 0;
  for (const job of PLATFORM_JOBS.filter((j) => j.scope === scope)) {
    const [row] = await tx
      .insert(jobs)
      .values({
        tenantId,
        name: job.name,
        scheduleKind: job.schedule.kind,
        cron: job.schedule.kind === "cron" ? job.schedule.cron : null,
        intervalSeconds: job.schedule.kind === "interval" ? job.schedule.everySeconds : null,
        target: job.target,
        permissions: [...job.permissions],
        timeoutMs: (job.timeoutSeconds ?? 60) * 1000,
        maxAttempts: 3,
        backoffMs: 10_000,
        disableAfter: 5,
        catchUp: "last",
        idempotencyKey: job.key,
        nextRunAt: job.runNow ? now : firstOccurrence(job.schedule, now),
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
