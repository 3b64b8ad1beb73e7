import { AppError, type CallContext, type ServiceClient } from "@vextrus/platform";
import { z } from "zod";

const Bilingual = z.object({ en: z.string(), bn: z.string() });

/** What a rule set can ask of a process (the rules-engine contract). */
export const Action = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("require_approval"), level: z.number().int() }),
  z.object({
    kind: z.literal("require_committee"),
    name: z.string(),
    required: z.number().int(),
    of: z.number().int(),
  }),
  z.object({ kind: z.literal("block"), reason: Bilingual }),
  z.object({ kind: z.literal("flag"), flag: z.string() }),
]);
export type Action = z.infer<typeof Action>;

export const Evaluation = z.object({
  evaluationId: z.string(),
  outputs: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .transform((outputs) => {
      const kept: Record<string, string | number | boolean> = {};
      for (const [key, value] of Object.entries(outputs)) {
        if (value !== null) {
          kept[key] = value;
        }
      }
      return kept;
    }),
  actions: z.array(Action),
});
export type Evaluation = z.output<typeof Evaluation>;

export type Facts = Record<string, string | number | boolean>;

export interface RulesClient {
  evaluate(input: { ruleSet: string; facts: Facts }, call: CallContext): Promise<Evaluation>;
}

/**
 * rules-engine's `evaluate` (a mutation: it stores the evaluation); needs the caller's `rules:evaluation:run`.
 * The facts are `amount`, `value` and every scalar field of the request's free-form data, a superset of
 * what any one set declares, so the facts a set does not declare are ignored rather than refused.
 */
export function rulesClient(rules: ServiceClient): RulesClient {
  return {
    evaluate: (input, call) =>
      rules
        .mutation("evaluate", { ...input, ignoreUnknownFacts: true }, Evaluation, call)
        .catch((error: unknown) => {
          // The facts come from the process's `data`: a fact the engine refuses is bad input there.
          if (error instanceof AppError && error.kind === "VALIDATION") {
            throw new AppError("VALIDATION", "workflow.rules.invalid_fact", error.text, "data");
          }
          throw error;
        }),
  };
}
