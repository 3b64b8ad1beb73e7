import { getProcess, listProcesses } from "../domain/process-queries.ts";
import {
  ListProcessesInput,
  ProcessByIdInput,
  previewProcess,
  StartProcessInput,
  startProcess,
} from "../domain/processes.ts";
import { ResubmitProcessInput, resubmitProcess } from "../domain/resubmit.ts";
import { PreviewResult, ProcessPage, ProcessStory, ResubmitResult, StartResult } from "../domain/results.ts";
import { router, workflowProcedure } from "../trpc.ts";

/** Starting and previewing also need `organization:chain:read` and `rules:evaluation:run` (the token is forwarded). */
export const processesRouter = router({
  start: workflowProcedure
    .meta({ permission: "workflow:process:start" })
    .input(StartProcessInput)
    .output(StartResult)
    .mutation(({ ctx, input }) => startProcess({ ctx, input })),
  /** "Who will approve this?" without creating anything. */
  preview: workflowProcedure
    .meta({ permission: "workflow:process:start" })
    .input(StartProcessInput)
    .output(PreviewResult)
    .query(({ ctx, input }) => previewProcess({ ctx, input })),
  /** A returned process, changed and sent again by its requester: a new round. */
  resubmit: workflowProcedure
    .meta({ permission: "workflow:process:start" })
    .input(ResubmitProcessInput)
    .output(ResubmitResult)
    .mutation(({ ctx, input }) => resubmitProcess({ ctx, input })),
  /** With every task, assignment and transition: the whole story. */
  get: workflowProcedure
    .meta({ permission: "workflow:process:read" })
    .input(ProcessByIdInput)
    .output(ProcessStory)
    .query(({ ctx, input }) => getProcess({ ctx, input })),
  list: workflowProcedure
    .meta({ permission: "workflow:process:read" })
    .input(ListProcessesInput)
    .output(ProcessPage)
    .query(({ ctx, input }) => listProcesses({ ctx, input })),
});
