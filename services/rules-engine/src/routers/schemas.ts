import { z } from "zod";
import { FactCatalog, Name, RuleBody, RuleDraft, RuleSetKey } from "../engine/model.ts";
import { PACK_KEYS } from "../packs/index.ts";

/** Fact values: scalars only (money as decimal strings, dates as "YYYY-MM-DD"). */
export const Facts = z
  .record(Name, z.union([z.string().max(200), z.number(), z.boolean(), z.null()]))
  .refine((facts) => Object.keys(facts).length <= 200, "At most 200 facts");

export const EvaluateInput = z.strictObject({
  ruleSet: RuleSetKey,
  facts: Facts,
  at: z.date().optional(),
  /** By default a fact the set does not declare is a 400 naming it; true ignores such facts. */
  ignoreUnknownFacts: z.boolean().optional(),
});
/** At most this many evaluations in one `evaluateMany` (a document's rate pairs are at most 20). */
export const MAX_EVALUATIONS_PER_CALL = 50;
export const EvaluateManyInput = z.strictObject({
  ruleSet: RuleSetKey,
  factSets: z.array(Facts).min(1).max(MAX_EVALUATIONS_PER_CALL),
  at: z.date().optional(),
  ignoreUnknownFacts: z.boolean().optional(),
});
export const ReplayInput = z.strictObject({ evaluationId: z.uuid() });
export const SimulateInput = z.strictObject({
  ruleSet: RuleSetKey,
  draftRules: z.array(RuleDraft).min(1).max(50),
  sampleSize: z.number().int().min(1).max(1000),
});
export const DefineRuleSetInput = z.strictObject({
  key: RuleSetKey,
  name: z.string().min(1).max(200),
  facts: FactCatalog,
});
export const CreateRuleInput = RuleDraft.extend({ ruleSet: RuleSetKey });
export const UpdateRuleInput = RuleBody.extend({ id: z.uuid(), expectedVersion: z.number().int().min(1) });
export const InstallPacksInput = z
  .strictObject({ packs: z.array(z.enum(PACK_KEYS)).min(1).optional() })
  .optional();
