import { inboxTable, outboxTable } from "@vextrus/events";
import { id, tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const scheduler = pgSchema("scheduler");

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const scheduleKind = scheduler.enum("schedule_kind", ["cron", "once", "interval"]);
export const catchUp = scheduler.enum("catch_up", ["none", "last", "all"]);
export const jobStatus = scheduler.enum("job_status", ["active", "paused", "disabled"]);
export const runStatus = scheduler.enum("run_status", ["pending", "running", "succeeded", "failed", "dead"]);

/** What a job does when it fires: call a procedure through the gateway, or publish an event. */
export type JobTarget =
  | {
      kind: "procedure";
      path: string;
      type: "query" | "mutation";
      input?: Record<string, unknown> | undefined;
    }
  | { kind: "event"; data: Record<string, unknown> };

/** Workers read every tenant's due work in a privileged transaction. */
const platformRead = () =>
  pgPolicy("platform_read", {
    as: "permissive",
    for: "select",
    using: sql`current_setting('app.platform', true) = 'on'`,
  });

/**
 * The replicas plan, claim and record runs of many tenants in one privileged transaction (as the
 * schema owner with `app.platform` on), never as the app role: a tenant transaction cannot use these.
 */
const PLATFORM_WORKER = sql`current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app'`;
const platformWork = (name: string, command: "insert" | "update") =>
  pgPolicy(name, {
    as: "permissive",
    for: command,
    ...(command === "insert" ? {} : { using: PLATFORM_WORKER }),
    withCheck: PLATFORM_WORKER,
  });

/**
 * A job: when it fires (a cron expression in Asia/Dhaka, one `runAt`, or every N seconds) and what
 * it does. `next_run_at` is the next occurrence not yet turned into a run; null when none is left.
 */
export const jobs = scheduler.table(
  "jobs",
  {
    id: id(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    scheduleKind: scheduleKind("schedule_kind").notNull(),
    cron: text("cron"),
    runAt: at("run_at"),
    intervalSeconds: integer("interval_seconds"),
    target: jsonb("target").notNull().$type<JobTarget>(),
    /** The permissions the job's service credential carries (a subset of its creator's). */
    permissions: text("permissions").array().notNull().default(sql`'{}'::text[]`),
    timeoutMs: integer("timeout_ms").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    backoffMs: integer("backoff_ms").notNull(),
    /** Consecutive dead runs after which the job is disabled. */
    disableAfter: integer("disable_after").notNull(),
    catchUp: catchUp("catch_up").notNull(),
    idempotencyKey: text("idempotency_key"),
    status: jobStatus("status").notNull().default("active"),
    nextRunAt: at("next_run_at"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("jobs_idempotency_key").on(t.tenantId, t.idempotencyKey),
    index("jobs_due_idx").on(t.nextRunAt).where(sql`status = 'active' and next_run_at is not null`),
    // A tenant's due jobs, found without reading other tenants' (the worker plans per tenant).
    index("jobs_tenant_due_idx")
      .on(t.tenantId, t.nextRunAt)
      .where(sql`status = 'active' and next_run_at is not null`),
    index("jobs_tenant_id_idx").on(t.tenantId, t.id),
    check(
      "jobs_schedule_shape",
      sql`(${t.scheduleKind} = 'cron') = (${t.cron} is not null) and (${t.scheduleKind} = 'once') = (${t.runAt} is not null) and (${t.scheduleKind} = 'interval') = (${t.intervalSeconds} is not null)`,
    ),
    tenantIsolation(),
    platformRead(),
    platformWork("platform_plan", "update"),
  ],
);

/**
 * One attempt of one occurrence of a job. A failed attempt stays as history and, while attempts
 * remain, a `pending` attempt + 1 is inserted for later; the last failure is `dead` (dead-lettered).
 */
export const runs = scheduler.table(
  "runs",
  {
    id: id(),
    tenantId: tenantId(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id),
    /** The occurrence this run is for (the schedule's time, not when it started). */
    scheduledFor: at("scheduled_for").notNull(),
    attempt: integer("attempt").notNull(),
    status: runStatus("status").notNull().default("pending"),
    /** When it may start (the occurrence, or later for a retry after backoff). */
    dueAt: at("due_at").notNull(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    /** A running attempt whose lease passed (its replica died) may be claimed again. */
    leaseUntil: at("lease_until"),
    error: text("error"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("runs_occurrence_attempt").on(t.jobId, t.scheduledFor, t.attempt),
    index("runs_due_idx").on(t.dueAt).where(sql`status = 'pending'`),
    index("runs_lease_idx").on(t.leaseUntil).where(sql`status = 'running'`),
    index("runs_tenant_due_idx").on(t.tenantId, t.dueAt).where(sql`status = 'pending'`),
    index("runs_tenant_lease_idx").on(t.tenantId, t.leaseUntil).where(sql`status = 'running'`),
    index("runs_job_id_idx").on(t.tenantId, t.jobId, t.id),
    tenantIsolation(),
    platformRead(),
    platformWork("platform_plan", "insert"),
    platformWork("platform_claim", "update"),
  ],
);

export const outbox = outboxTable(scheduler);

/** Events the scheduler has applied (a new tenant gets its platform jobs once). */
export const inbox = inboxTable(scheduler);
