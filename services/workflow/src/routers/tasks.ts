import { DecideInput, decideTask } from "../domain/decisions.ts";
import { Decided, Delegated, InboxResult } from "../domain/results.ts";
import { DelegateInput, delegate, InboxInput, inbox } from "../domain/tasks.ts";
import { router, workflowProcedure } from "../trpc.ts";

export const tasksRouter = router({
  /** Open tasks assigned to the caller or delegated to them. */
  inbox: workflowProcedure
    .meta({ permission: "workflow:task:read" })
    .input(InboxInput)
    .output(InboxResult)
    .query(({ ctx, input }) => inbox({ ctx, input })),
  approve: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .output(Decided)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "approved")),
  reject: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .output(Decided)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "rejected")),
  returnForChanges: workflowProcedure
    .meta({ permission: "workflow:task:decide" })
    .input(DecideInput)
    .output(Decided)
    .mutation(({ ctx, input }) => decideTask(ctx, input, "returned")),
  delegate: workflowProcedure
    .meta({ permission: "workflow:task:delegate" })
    .input(DelegateInput)
    .output(Delegated)
    .mutation(({ ctx, input }) => delegate({ ctx, input })),
});
