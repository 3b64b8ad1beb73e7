/**
 * What the workflow procedures answer, as zod schemas derived from the tables (drizzle-zod, with the
 * shapes of their JSON columns): the routers declare them with `.output(…)`, so the OpenAPI document
 * describes every result.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { assignments, definitions, delegations, processes, tasks, transitions } from "../db/schema.ts";

const ChainLink = z.object({
  level: z.number().int().describe("0 is the initiator; 1 the person they report to; and so on upward"),
  userId: z.uuid(),
  designation: z.object({
    id: z.uuid(),
    name: z.string(),
    nameBn: z.string().nullable(),
    rank: z.number().int(),
    approvalLimit: z.string().describe("a decimal string"),
  }),
});
const Outputs = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const Rules = z
  .object({
    evaluations: z.array(z.object({ ruleSet: z.string(), evaluationId: z.uuid() })),
    outputs: Outputs,
    requiredRank: z.number().int(),
    committees: z.array(z.object({ name: z.string(), required: z.number().int(), of: z.number().int() })),
    flags: z.array(z.string()),
  })
  .describe("what the rules engine decided for the round");

export const DefinitionResult = createSelectSchema(definitions, {
  ruleSets: z.array(z.string()),
  committees: z.array(z.object({ name: z.string(), members: z.array(z.uuid()) })),
});
export const DefinitionPage = PageSchema(DefinitionResult);

export const ProcessResult = createSelectSchema(processes, {
  data: z.record(z.string(), z.unknown()),
  chain: z.array(ChainLink).describe("the initiator's reporting chain when the round started"),
  rules: Rules,
});
export const ProcessPage = PageSchema(ProcessResult);
export const TaskResult = createSelectSchema(tasks);
const TransitionResult = createSelectSchema(transitions, { details: z.record(z.string(), z.unknown()) });
const AssignmentResult = createSelectSchema(assignments).pick({
  id: true,
  taskId: true,
  userId: true,
  reason: true,
  assignedAt: true,
  endedAt: true,
});

/** A planned step: who approves, in which capacity, with which limit. */
const Step = z.discriminatedUnion("kind", [
  z.object({
    step: z.number().int(),
    kind: z.literal("approver"),
    required: z.number().int(),
    approvers: z.array(
      z.object({
        userId: z.uuid(),
        level: z.number().int(),
        designation: z.string(),
        designationBn: z.string().nullable(),
        rank: z.number().int(),
        approvalLimit: z.string(),
      }),
    ),
  }),
  z.object({
    step: z.number().int(),
    kind: z.literal("committee"),
    committee: z.string(),
    required: z.number().int(),
    of: z.number().int(),
    approvers: z.array(z.object({ userId: z.uuid() })),
  }),
]);

export const PreviewResult = z.object({
  definition: z.object({ id: z.uuid(), key: z.string(), version: z.number().int() }),
  amount: z.string(),
  rules: Rules.pick({ outputs: true, requiredRank: true, flags: true }),
  steps: z.array(Step),
});
export const StartResult = z.object({
  process: ProcessResult,
  steps: z.array(Step),
  rules: Rules.pick({ outputs: true, flags: true }),
  tasks: z.array(TaskResult).describe("the tasks open now (step 1)"),
});
export const ResubmitResult = z.object({
  process: ProcessResult,
  steps: z.array(Step),
  tasks: z.array(TaskResult).describe("the tasks open now (step 1 of the new round)"),
});
export const ProcessStory = z.object({
  process: ProcessResult,
  definition: z.object({ id: z.uuid(), key: z.string(), version: z.number().int(), name: z.string() }),
  tasks: z.array(TaskResult),
  assignments: z.array(AssignmentResult),
  history: z.array(TransitionResult),
});

export const InboxResult = z.array(
  z.object({
    ...TaskResult.shape,
    process: ProcessResult.pick({
      id: true,
      subject: true,
      amount: true,
      initiatorId: true,
      departmentId: true,
      status: true,
      round: true,
    }),
    via: z.enum(["assigned", "delegated"]),
  }),
);
export const Decided = z.object({ task: TaskResult, process: ProcessResult });
export const Delegated = z.object({
  delegation: createSelectSchema(delegations),
  tasks: z.array(z.uuid()).describe("the tasks it covers now"),
});
export const Escalated = z.object({
  escalated: z.array(z.object({ taskId: z.uuid(), fromUserId: z.uuid(), toUserId: z.uuid() })),
  stuck: z.array(z.uuid()).describe("overdue tasks with nobody further up the chain"),
});
