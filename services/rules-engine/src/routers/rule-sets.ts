import { z } from "zod";
import { RuleSetList, RuleSetResult, RuleSetRow } from "../domain/results.ts";
import { defineRuleSet, getRuleSet, listRuleSets } from "../domain/rule-sets.ts";
import { RuleSetKey } from "../engine/model.ts";
import { router, tenantProcedure } from "../trpc.ts";
import { DefineRuleSetInput } from "./schemas.ts";

export const ruleSetsRouter = router({
  list: tenantProcedure
    .meta({ permission: "rules:ruleset:read" })
    .output(RuleSetList)
    .query(({ ctx }) => listRuleSets({ ctx })),
  get: tenantProcedure
    .meta({ permission: "rules:ruleset:read" })
    .input(z.strictObject({ key: RuleSetKey }))
    .output(RuleSetResult)
    .query(({ ctx, input }) => getRuleSet({ ctx, input })),
  /** Creates a tenant's own rule set or adds facts to one. */
  define: tenantProcedure
    .meta({ permission: "rules:rule:write" })
    .input(DefineRuleSetInput)
    .output(RuleSetRow)
    .mutation(({ ctx, input }) => defineRuleSet({ ctx, input })),
});
