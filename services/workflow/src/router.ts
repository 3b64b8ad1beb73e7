import { EscalateInput, escalateOverdue } from "./domain/escalation.ts";
import { Escalated } from "./domain/results.ts";
import { definitionsRouter } from "./routers/definitions.ts";
import { maintenanceRouter } from "./routers/maintenance.ts";
import { processesRouter } from "./routers/processes.ts";
import { tasksRouter } from "./routers/tasks.ts";
import { router, workflowProcedure } from "./trpc.ts";

export const workflowRouter = router({
  maintenance: maintenanceRouter,
  definitions: definitionsRouter,
  processes: processesRouter,
  tasks: tasksRouter,
  /** Moves tasks past their SLA up the chain; called by the scheduler, or by an admin. */
  escalateOverdue: workflowProcedure
    .meta({ permission: "workflow:task:escalate" })
    .input(EscalateInput)
    .output(Escalated)
    .mutation(({ ctx }) => escalateOverdue({ ctx })),
});

export type WorkflowRouter = typeof workflowRouter;
