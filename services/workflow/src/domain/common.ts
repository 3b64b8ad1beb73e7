import { buildEvent, type EventInput, type EventType, wakeRelayAfterCommit } from "@vextrus/events";
import { AppError, type Bilingual, notFound, pageInput } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
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
 * A task with its process (locked first, for the rest of the transaction, so decisions on one process
 * happen one at a time and the task is read after the lock) and its definition's SLA: two statements.
 */
export async function lockTask(tx: Tx, taskId: string) {
  const locked = await tx
    .select({ id: processes.id })
    .from(processes)
    .where(eq(processes.id, sql`(select ${tasks.processId} from ${tasks} where ${tasks.id} = ${taskId})`))
    .for("update");
  if (locked.length === 0) {
    throw notFound(TASK, "workflow.task.not_found");
  }
  const rows = await tx
    .select({ task: tasks, process: processes, slaHours: definitions.slaHours })
    .from(tasks)
    .innerJoin(processes, eq(processes.id, tasks.processId))
    .innerJoin(definitions, eq(definitions.id, processes.definitionId))
    .where(eq(tasks.id, taskId));
  const row = rows[0];
  if (!row) {
    throw notFound(TASK, "workflow.task.not_found");
  }
  return row;
}

/** Bumps the process's version (and applies a patch) after a change to it or its tasks. */
export async function touchProcess(tx: Tx, process: ProcessRow, now: Date, patch: Partial<ProcessRow> = {}) {
  const rows = await tx
    .update(processes)
    .set({ ...patch, version: sql`${processes.version} + 1`, updatedAt: now })
    .where(and(eq(processes.id, process.id), eq(processes.version, process.version)))
    .returning();
  const row = rows[0];
  if (!row) {
    throw new AppError("CONFLICT", "workflow.process.stale", {
      en: "The process was changed at the same time; reload it and try again",
      bn: "প্রক্রিয়াটি একই সময়ে পরিবর্তিত হয়েছে; পুনরায় লোড করে আবার চেষ্টা করুন",
    });
  }
  return row;
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
 * What one verb adds to the trail and to the outbox, written at the end of its transaction in two
 * statements (not one per line). Events are validated against the catalog as they are added.
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

  /** Appends the trail lines, then the events (as `emit` does: outbox rows, the relay woken after commit). */
  async flush(tx: Tx): Promise<void> {
    if (this.lines.length > 0) {
      await tx.insert(transitions).values(this.lines.splice(0));
    }
    const events = this.events.splice(0);
    if (events.length > 0) {
      const rows = sql.join(
        events.map(
          ({ topic, key, event }) =>
            sql`(${event.id}, ${event.tenantid}, ${topic}, ${key}, ${JSON.stringify(event)}::jsonb)`,
        ),
        sql`, `,
      );
      await tx.execute(sql`insert into ${outbox} (id, tenant_id, topic, key, event) values ${rows}`);
      wakeRelayAfterCommit(outbox);
    }
  }
}
