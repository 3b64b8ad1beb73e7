import { buildEvent, type EventInput, type EventType, wakeRelayAfterCommit } from "@vextrus/events";
import { AppError, type Bilingual, notFound, pageInput } from "@vextrus/platform";
import { preparedQuery, type Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { definitions, outbox, processes, tasks, transitions } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";

export const PROCESS = { en: "Process", bn: "প্রক্রিয়া" };
export const TASK = { en: "Task", bn: "কাজ" };
export const DEFINITION = { en: "Process definition", bn: "প্রক্রিয়ার সংজ্ঞা" };

export const Comment = z.string().trim().max(2000);
export const ListPage = z.object(pageInput());

export type ProcessRow = typeof processes.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;

export const precondition = (code: string, text: Bilingual) =>
  new AppError("PRECONDITION_FAILED", code, text);

export const staleTask = () =>
  new AppError("CONFLICT", "workflow.task.stale", {
    en: "This task was decided or changed by someone else; reload it and try again",
    bn: "এই কাজটি অন্য কেউ সিদ্ধান্ত নিয়েছেন বা পরিবর্তন করেছেন; পুনরায় লোড করে আবার চেষ্টা করুন",
  });

/** The process row, locked for the rest of the transaction: decisions on one process happen one at a time. */
export async function lockProcess(tx: Tx, processId: string): Promise<ProcessRow> {
  const rows = await tx.select().from(processes).where(eq(processes.id, processId)).for("update");
  const row = rows[0];
  if (!row) {
    throw notFound(PROCESS, "workflow.process.not_found");
  }
  return row;
}

export async function findProcess(tx: Tx, processId: string): Promise<ProcessRow> {
  const rows = await tx.select().from(processes).where(eq(processes.id, processId)).limit(1);
  const row = rows[0];
  if (!row) {
    throw notFound(PROCESS, "workflow.process.not_found");
  }
  return row;
}

export async function findTask(tx: Tx, taskId: string): Promise<TaskRow> {
  const rows = await tx.select().from(tasks).where(eq(tasks.id, taskId)).limit(1);
  const row = rows[0];
  if (!row) {
    throw notFound(TASK, "workflow.task.not_found");
  }
  return row;
}

/**
 * A placeholder where drizzle's `update().set()` types want the column's own value: drizzle keeps it
 * as a parameter of that column and encodes the value given at execution with the column's mapping
 * (dates included), exactly as a value written in place (drizzle-orm's fillPlaceholders).
 */
export const slot = <T>(name: string): T => sql.placeholder(name) as unknown as T;

/** The process of a task, locked (built once: see preparedQuery). */
const lockProcessOfTask = preparedQuery("workflow.task.lockProcess", (db) =>
  db
    .select({ id: processes.id })
    .from(processes)
    .where(
      eq(
        processes.id,
        sql`(select ${tasks.processId} from ${tasks} where ${tasks.id} = ${sql.placeholder("taskId")})`,
      ),
    )
    .for("update"),
);

const taskWithProcess = preparedQuery("workflow.task.withProcess", (db) =>
  db
    .select({ task: tasks, process: processes, slaHours: definitions.slaHours })
    .from(tasks)
    .innerJoin(processes, eq(processes.id, tasks.processId))
    .innerJoin(definitions, eq(definitions.id, processes.definitionId))
    .where(eq(tasks.id, sql.placeholder("taskId"))),
);

/**
 * A task with its process (locked first, for the rest of the transaction, so decisions on one process
 * happen one at a time and the task is read after the lock) and its definition's SLA: two statements.
 */
export async function lockTask(tx: Tx, taskId: string) {
  const locked = await lockProcessOfTask(tx, { taskId });
  if (locked.length === 0) {
    throw notFound(TASK, "workflow.task.not_found");
  }
  const row = (await taskWithProcess(tx, { taskId }))[0];
  if (!row) {
    throw notFound(TASK, "workflow.task.not_found");
  }
  return row;
}

const bumpProcess = preparedQuery("workflow.process.bump", (db) =>
  db
    .update(processes)
    .set({ version: sql`${processes.version} + 1`, updatedAt: slot<never>("now") })
    .where(and(eq(processes.id, sql.placeholder("id")), eq(processes.version, sql.placeholder("version"))))
    .returning(),
);

const closeStatement = preparedQuery("workflow.process.close", (db) =>
  db
    .update(processes)
    .set({
      status: slot<never>("status"),
      // Null for a returned process: a column's date encoding takes no null, so the text goes as is.
      completedAt: sql`${sql.placeholder("completedAt")}::timestamptz`,
      version: sql`${processes.version} + 1`,
      updatedAt: slot<never>("now"),
    })
    .where(and(eq(processes.id, sql.placeholder("id")), eq(processes.version, sql.placeholder("version"))))
    .returning(),
);

/** The row an update by (id, version) answered, or CONFLICT: someone changed the process meanwhile. */
function updatedOrStale(rows: ProcessRow[]): ProcessRow {
  const row = rows[0];
  if (!row) {
    throw new AppError("CONFLICT", "workflow.process.stale", {
      en: "The process was changed at the same time; reload it and try again",
      bn: "প্রক্রিয়াটি একই সময়ে পরিবর্তিত হয়েছে; পুনরায় লোড করে আবার চেষ্টা করুন",
    });
  }
  return row;
}

/**
 * Bumps the process's version (and applies a patch) after a change to it or its tasks. Without a
 * patch (every decision) the statement is built once; a patch's is built here.
 */
export async function touchProcess(tx: Tx, process: ProcessRow, now: Date, patch: Partial<ProcessRow> = {}) {
  return updatedOrStale(
    Object.keys(patch).length === 0
      ? await bumpProcess(tx, { id: process.id, version: process.version, now })
      : await tx
          .update(processes)
          .set({ ...patch, version: sql`${processes.version} + 1`, updatedAt: now })
          .where(and(eq(processes.id, process.id), eq(processes.version, process.version)))
          .returning(),
  );
}

/** Ends a round: the process approved or rejected (completed now) or returned (not completed). */
export async function closeProcess(
  tx: Tx,
  process: ProcessRow,
  now: Date,
  status: "approved" | "rejected" | "returned",
) {
  return updatedOrStale(
    await closeStatement(tx, {
      id: process.id,
      version: process.version,
      now,
      status,
      completedAt: status === "returned" ? null : now.toISOString(),
    }),
  );
}

export interface TransitionInput {
  processId: string;
  taskId?: string | null;
  round: number;
  action: string;
  actorId: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  comment?: string | null;
  details?: Record<string, unknown>;
}

/**
 * What one verb adds to the trail and to the outbox, written at the end of its transaction in one
 * statement (not one per line). Events are validated against the catalog as they are added.
 */
export class Journal {
  private readonly lines: (typeof transitions.$inferInsert)[] = [];
  private readonly events: ReturnType<typeof buildEvent>[] = [];

  constructor(
    private readonly ctx: WorkflowContext,
    readonly now: Date = ctx.deps.clock(),
  ) {}

  /** The caller, who is the actor of everything journalled. */
  get actorId(): string {
    return this.ctx.principal.userId;
  }

  transition(input: TransitionInput): void {
    this.lines.push({
      id: Bun.randomUUIDv7(),
      tenantId: this.ctx.tenantId,
      processId: input.processId,
      taskId: input.taskId ?? null,
      round: input.round,
      action: input.action,
      actorId: input.actorId,
      fromStatus: input.fromStatus ?? null,
      toStatus: input.toStatus ?? null,
      comment: input.comment ?? null,
      details: input.details ?? {},
      at: this.now,
    });
  }

  event<T extends EventType>(type: T, subject: string, data: EventInput<T>): void {
    this.events.push(
      buildEvent({ type, subject, tenantId: this.ctx.tenantId, actorId: this.ctx.principal.userId, data }),
    );
  }

  /**
   * Appends the trail lines and the events (outbox rows, the relay woken after commit, as `emit` does)
   * in one statement whose rows travel as two JSON parameters: one round trip, and a statement of the
   * same few chunks however many lines (rendering a parameter per column of every row cost drizzle
   * ~0.5 ms of CPU per flush).
   */
  async flush(tx: Tx): Promise<void> {
    const lines = this.lines.splice(0);
    const events = this.events.splice(0);
    if (lines.length === 0 && events.length === 0) {
      return;
    }
    const trail = lines.map((line) => ({
      id: line.id,
      tenant_id: line.tenantId,
      process_id: line.processId,
      task_id: line.taskId ?? null,
      round: line.round,
      action: line.action,
      actor_id: line.actorId ?? null,
      from_status: line.fromStatus ?? null,
      to_status: line.toStatus ?? null,
      comment: line.comment ?? null,
      details: line.details ?? {},
      at: line.at ?? this.now,
    }));
    const announced = events.map(({ topic, key, event }) => ({
      id: event.id,
      tenant_id: event.tenantid,
      topic,
      key,
      event,
    }));
    // A data-modifying WITH runs whether or not the final select reads it.
    await tx.execute(sql`
      with trail as (
        insert into ${transitions} (id, tenant_id, process_id, task_id, round, action, actor_id, from_status,
          to_status, comment, details, at)
        select * from jsonb_to_recordset(${JSON.stringify(trail)}::jsonb) as t(id uuid, tenant_id uuid,
          process_id uuid, task_id uuid, round integer, action text, actor_id uuid, from_status text,
          to_status text, comment text, details jsonb, at timestamptz)
      ), written as (
        insert into ${outbox} (id, tenant_id, topic, key, event)
        select * from jsonb_to_recordset(${JSON.stringify(announced)}::jsonb) as e(id uuid, tenant_id uuid,
          topic text, key text, event jsonb)
      )
      select 1`);
    if (events.length > 0) {
      wakeRelayAfterCommit(outbox);
    }
  }
}
