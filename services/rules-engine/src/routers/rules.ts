import { z } from "zod";
import { RuleResult, RuleSaved } from "../domain/results.ts";
import { createRule, getRule, updateRule } from "../domain/rules.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { CreateRuleInput, UpdateRuleInput } from "./schemas.ts";

export const rulesRouter = router({
  get: tenantProcedure
    .meta({ permission: "rules:ruleset:read" })
    .input(z.strictObject({ id: z.uuid() }))
    .output(RuleResult)
    .query(({ ctx, input }) => getRule({ ctx, input })),
  create: tenantProcedure
    .meta({ permission: "rules:rule:write" })
    .input(CreateRuleInput)
    .output(RuleSaved)
    .mutation(({ ctx, input }) => createRule({ ctx, input })),
  /** Saves the next immutable version (status retired archives the rule). */
  update: tenantProcedure
    .meta({ permission: "rules:rule:write" })
    .input(UpdateRuleInput)
    .output(RuleSaved)
    .mutation(({ ctx, input }) => updateRule({ ctx, input })),
});
