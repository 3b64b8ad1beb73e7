import { evaluate, evaluateMany, replay } from "../domain/evaluations.ts";
import { EvaluateManyResult, EvaluateResult, ReplayResult, SimulateResult } from "../domain/results.ts";
import { simulate } from "../domain/simulate.ts";
import { tenantProcedure } from "../trpc.ts";
import { EvaluateInput, EvaluateManyInput, ReplayInput, SimulateInput } from "./schemas.ts";

export const evaluationProcedures = {
  /** Evaluates a rule set: outputs, actions, the trace of every rule considered; stored for replay. */
  evaluate: tenantProcedure
    .meta({ permission: "rules:evaluation:run" })
    .input(EvaluateInput)
    .output(EvaluateResult)
    .mutation(({ ctx, input }) => evaluate({ ctx, input })),
  /** `evaluate` of several fact sets in one call and one transaction; each stored and announced. */
  evaluateMany: tenantProcedure
    .meta({ permission: "rules:evaluation:run" })
    .input(EvaluateManyInput)
    .output(EvaluateManyResult)
    .mutation(({ ctx, input }) => evaluateMany({ ctx, input })),
  /** The same result again, from the stored inputs and exactly the rule versions used then. */
  replay: tenantProcedure
    .meta({ permission: "rules:evaluation:read" })
    .input(ReplayInput)
    .output(ReplayResult)
    .query(({ ctx, input }) => replay({ ctx, input })),
  /** Which recent decisions draft rules would change; saves nothing. */
  simulate: tenantProcedure
    .meta({ permission: "rules:evaluation:read" })
    .input(SimulateInput)
    .output(SimulateResult)
    .mutation(({ ctx, input }) => simulate({ ctx, input })),
};
