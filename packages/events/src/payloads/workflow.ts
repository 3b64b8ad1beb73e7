import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

const Decision = z.looseObject({
  id: z.uuid(),
  instanceId: z.uuid(),
  decidedBy: z.uuid(),
  comment: z.string().max(2000).optional(),
});

export const workflowDefinitionEvents = {
  "vextrus.workflow.definition.published": v1(Created),
  "vextrus.workflow.definition.retired": v1(Changed),
} as const;

export const workflowInstanceEvents = {
  "vextrus.workflow.instance.started": v1(
    z.looseObject({ id: z.uuid(), definitionId: z.uuid(), subject: z.string().min(1), startedBy: z.uuid() }),
  ),
  "vextrus.workflow.instance.completed": v1(
    z.looseObject({ id: z.uuid(), outcome: z.enum(["approved", "rejected", "cancelled"]) }),
  ),
} as const;

export const workflowTaskEvents = {
  "vextrus.workflow.task.assigned": v1(
    z.looseObject({ id: z.uuid(), instanceId: z.uuid(), assigneeId: z.uuid(), dueAt: z.string().optional() }),
  ),
  "vextrus.workflow.task.approved": v1(Decision),
  "vextrus.workflow.task.rejected": v1(Decision),
  "vextrus.workflow.task.returned": v1(Decision),
  "vextrus.workflow.task.delegated": v1(
    z.looseObject({
      id: z.uuid(),
      instanceId: z.uuid(),
      fromUserId: z.uuid(),
      toUserId: z.uuid(),
      until: z.string(),
    }),
  ),
  "vextrus.workflow.task.escalated": v1(
    z.looseObject({ id: z.uuid(), instanceId: z.uuid(), fromUserId: z.uuid(), toUserId: z.uuid() }),
  ),
} as const;
