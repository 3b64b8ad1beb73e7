import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

export const rulesRuleEvents = {
  "vextrus.rules.rule.created": v1(Created),
  "vextrus.rules.rule.updated": v1(Changed),
  "vextrus.rules.rule.archived": v1(Changed),
} as const;

export const rulesEvaluationEvents = {
  "vextrus.rules.evaluation.completed": v1(
    z.looseObject({
      id: z.uuid(),
      ruleId: z.uuid(),
      ruleVersion: z.number().int().min(1),
      outcome: z.string().min(1),
      durationMs: z.number().min(0).optional(),
    }),
  ),
} as const;
