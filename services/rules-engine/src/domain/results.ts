/**
 * What the rules engine's procedures answer, as zod schemas (a rule version reuses the schemas its
 * author's input is checked with): the routers declare them with `.output(…)`, so the OpenAPI document
 * describes every result.
 */
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { ruleSets } from "../db/schema.ts";
import { FACT_TYPES, FactCatalog, RuleBody } from "../engine/model.ts";

const OutputValue = z.union([z.string(), z.number(), z.boolean()]);
const Outputs = z.record(z.string(), OutputValue).describe("money as decimal strings");

/** What an evaluation decides besides its outputs (the workflow service's contract). */
const Action = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("require_approval"), level: z.number().int() }),
  z.object({
    kind: z.literal("require_committee"),
    name: z.string(),
    required: z.number().int(),
    of: z.number().int(),
  }),
  z.object({ kind: z.literal("block"), reason: z.object({ en: z.string(), bn: z.string() }) }),
  z.object({ kind: z.literal("flag"), flag: z.string() }),
]);

const Trace = z
  .array(
    z.object({
      ruleId: z.string(),
      ruleKey: z.string(),
      version: z.number().int(),
      matched: z.boolean(),
      conditions: z.array(
        z.object({
          path: z.string(),
          fact: z.string(),
          op: z.string(),
          expected: z.unknown().optional(),
          actual: z.unknown().optional(),
          result: z.boolean(),
        }),
      ),
    }),
  )
  .describe("every rule considered, with each condition's values");

export const EvaluateResult = z.object({
  evaluationId: z.uuid().describe("`replay` gives the same result again"),
  outputs: Outputs,
  actions: z.array(Action),
  trace: Trace,
});

export const EvaluateManyResult = z.object({
  evaluations: z.array(EvaluateResult).describe("one per fact set, in the same order"),
});

export const ReplayResult = z.object({
  ...EvaluateResult.shape,
  ruleSet: z.string(),
  at: z.date(),
  facts: z.record(z.string(), z.unknown()),
  identical: z.boolean().describe("the decision equals the stored one"),
});

const Decision = z.object({ outputs: Outputs, actions: z.array(Action) });
export const SimulateResult = z.object({
  ruleSet: z.string(),
  sampled: z.number().int(),
  changed: z.number().int(),
  changes: z.array(
    z.object({
      evaluationId: z.uuid(),
      at: z.date(),
      before: Decision,
      after: Decision.nullable().describe("null when the draft rules cannot evaluate these facts"),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

/** One stored, immutable rule version. */
export const RuleVersionResult = z.object({
  ...RuleBody.shape,
  id: z.uuid(),
  ruleId: z.uuid(),
  key: z.string(),
  version: z.number().int(),
  factTypes: z.record(z.string(), z.enum(FACT_TYPES)).describe("the type of every fact the version reads"),
});

const ruleSet = createSelectSchema(ruleSets);
export const RuleSetRow = z.object({ ...ruleSet.shape, facts: FactCatalog });
export const RuleSetList = z.array(ruleSet.pick({ id: true, key: true, name: true, pack: true }));
export const RuleSetResult = z.object({
  ...RuleSetRow.shape,
  rules: z.array(RuleVersionResult).describe("the current version of each rule"),
});

export const RuleSaved = z.object({
  id: z.uuid(),
  key: z.string(),
  ruleSet: z.string(),
  version: z.number().int(),
});
export const RuleResult = z.object({
  id: z.uuid(),
  key: z.string(),
  currentVersion: z.number().int(),
  ruleSet: z.string(),
  versions: z.array(RuleVersionResult),
});

export const PackList = z.array(
  z.object({ key: z.string(), name: z.string(), rules: z.number().int().describe("how many rules") }),
);
export const PacksInstalled = z.object({ installed: z.array(z.string()), skipped: z.array(z.string()) });
