import { pageOf } from "@vextrus/platform";
import { keyset } from "@vextrus/platform/db";
import { and, asc, eq } from "drizzle-orm";
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
      const page = keyset({ id: processes.id, direction: "desc" }, input.cursor);
      const rows = await tx
        .select()
        .from(processes)
        .where(
          and(
            input.status ? eq(processes.status, input.status) : undefined,
            input.mine ? eq(processes.initiatorId, ctx.principal.userId) : undefined,
            page.where,
          ),
        )
        .orderBy(...page.orderBy)
        .limit(input.limit + 1);
      return pageOf(rows, input.limit, (row) => row.id);
    },
    { readOnly: true },
  );
