import { and, asc, desc, eq, lt } from "drizzle-orm";
import type { z } from "zod";
import { assignments, processes, tasks, transitions } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import { findProcess } from "./common.ts";
import { findDefinitionById } from "./definitions.ts";
import type { ListProcessesInput, ProcessByIdInput } from "./processes.ts";

export const getProcess = ({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof ProcessByIdInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const process = await findProcess(tx, input.id);
      const definition = await findDefinitionById(tx, process.definitionId);
      const taskRows = await tx
        .select()
        .from(tasks)
        .where(eq(tasks.processId, process.id))
        .orderBy(asc(tasks.round), asc(tasks.step), asc(tasks.id));
      const assignmentRows = await tx
        .select(assignmentColumns)
        .from(assignments)
        .innerJoin(tasks, eq(tasks.id, assignments.taskId))
        .where(eq(tasks.processId, process.id))
        .orderBy(asc(assignments.id));
      const history = await tx
        .select()
        .from(transitions)
        .where(eq(transitions.processId, process.id))
        .orderBy(asc(transitions.id));
      return {
        process,
        definition: {
          id: definition.id,
          key: definition.key,
          version: definition.version,
          name: definition.name,
        },
        tasks: taskRows,
        assignments: assignmentRows,
        history,
      };
    },
    { readOnly: true },
  );

const assignmentColumns = {
  id: assignments.id,
  taskId: assignments.taskId,
  userId: assignments.userId,
  reason: assignments.reason,
  assignedAt: assignments.assignedAt,
  endedAt: assignments.endedAt,
};

/** Newest first, keyset-paginated. */
export const listProcesses = ({
  ctx,
  input,
}: {
  ctx: WorkflowContext;
  input: z.infer<typeof ListProcessesInput>;
}) =>
  ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const rows = await tx
        .select()
        .from(processes)
        .where(
          and(
            input.status ? eq(processes.status, input.status) : undefined,
            input.mine ? eq(processes.initiatorId, ctx.principal.userId) : undefined,
            input.cursor ? lt(processes.id, input.cursor) : undefined,
          ),
        )
        .orderBy(desc(processes.id))
        .limit(input.limit + 1);
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > input.limit && last ? last.id : null };
    },
    { readOnly: true },
  );
