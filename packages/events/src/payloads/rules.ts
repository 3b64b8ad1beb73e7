import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

export const rulesRuleEvents = {
  "vextrus.rules.rule.created": v1(Created),
  "vextrus.rules.rule.updated": v1(Changed),
  "vextrus.rules.rule.archived": v1(Changed),
} as const;

/**
 * One stored evaluation of a rule set: its id (replay it for the facts and the trace), the set, the
 * outcome and which rule versions fired. Kept small on purpose: every evaluation publishes one.
 */
export const rulesEvaluationEvents = {
  "vextrus.rules.evaluation.completed": v1(
    z.looseObject({
      id: z.uuid(),
      ruleSetId: z.uuid(),
      ruleSet: z.string().min(1),
      outcome: z.enum(["pass", "approval", "blocked"]),
      /** `ruleKey@version` of every rule that matched, in evaluation order. */
      fired: z.array(z.string().min(1)),
      durationMs: z.number().min(0).optional(),
    }),
  ),
} as const;
