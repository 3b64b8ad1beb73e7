import { DecideInput, decideTask } from "../domain/decisions.ts";
import { DelegateInput, delegate, InboxInput, inbox } from "../domain/tasks.ts";
import { router, workflowProcedure } from "../trpc.ts";

export const tasksRouter = router({
  /** Open tasks assigned to the caller or delegated to them. */
  inbox: workflowProcedure
    .meta({ permission: "workflow:task:read" })
    .input(InboxInput)
    .query(({ ctx, input }) => inbox({ ctx, input })),
  approve: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "approved")),
  reject: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "rejected")),
  returnForChanges: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "returned")),
  delegate: workflowProcedure
    .meta({ permission: "workflow:task:delegate" })
    .input(DelegateInput)
    .mutation(({ ctx, input }) => delegate({ ctx, input })),
});
