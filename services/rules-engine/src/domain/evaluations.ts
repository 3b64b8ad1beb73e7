import { canonicalJson } from "@vextrus/events";
import { AppError, notFound } from "@vextrus/platform";
import { eq } from "drizzle-orm";
import { evaluations, ruleSets } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import { runSet, type SetRun } from "../engine/compile.ts";
import { type EvaluationResult, storedDecisionOf } from "../engine/model.ts";
import { ruleSetLabel } from "../metrics.ts";
import { activeSet, compileVersions } from "./compiled.ts";
import { versionsById } from "./store.ts";

const EVALUATION = { en: "Evaluation", bn: "মূল্যায়ন" };

export interface EvaluateOutput extends EvaluationResult {
  evaluationId: string;
}

const outcomeOf = (result: EvaluationResult): string =>
  result.actions.some((a) => a.kind === "block")
    ? "blocked"
    : result.actions.some((a) => a.kind === "require_approval" || a.kind === "require_committee")
      ? "approval"
      : "pass";

/** Runs a compiled set; a bad fact becomes a VALIDATION error (counted), anything else propagates. */
function run(ctx: RulesContext, ruleSet: string, kind: string, fn: () => SetRun): SetRun {
  try {
    const result = fn();
    ctx.deps.metrics.evaluations.inc({ rule_set: ruleSetLabel(ruleSet), kind, outcome: outcomeOf(result) });
    return result;
  } catch (error) {
    if (error instanceof AppError) {
      ctx.deps.metrics.evaluations.inc({ rule_set: ruleSetLabel(ruleSet), kind, outcome: "invalid" });
    }
    throw error;
  }
}

/**
 * Evaluates the tenant's active rules of a set against the facts, as of `at` (default now), and
 * stores the inputs, the exact rule versions and the result so it can be replayed.
 */
export async function evaluate({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: { ruleSet: string; facts: Record<string, unknown>; at?: Date | undefined };
}): Promise<EvaluateOutput> {
  const timer = ctx.deps.metrics.duration.startTimer({ rule_set: ruleSetLabel(input.ruleSet) });
  const at = input.at ?? new Date();
  const set = await activeSet(ctx, input.ruleSet);
  const { versionIds, ...result } = run(ctx, input.ruleSet, "evaluate", () =>
    runSet(set.compiled, input.facts, at),
  );
  const evaluationId = Bun.randomUUIDv7();
  await ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    tx.insert(evaluations).values({
      id: evaluationId,
      tenantId: ctx.tenantId,
      ruleSetId: set.ruleSetId,
      facts: input.facts,
      at,
      ruleVersionIds: versionIds,
      result: storedDecisionOf(result),
      createdBy: ctx.principal.userId,
    }),
  );
  timer();
  return { evaluationId, ...result };
}

/** Re-runs a stored evaluation with its own inputs and exactly the rule versions it used. */
export async function replay({ ctx, input }: { ctx: RulesContext; input: { evaluationId: string } }) {
  const loaded = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({ evaluation: evaluations, ruleSet: ruleSets.key })
        .from(evaluations)
        .innerJoin(ruleSets, eq(ruleSets.id, evaluations.ruleSetId))
        .where(eq(evaluations.id, input.evaluationId))
        .limit(1);
      if (!row) {
        throw notFound(EVALUATION, "rules.evaluation.not_found");
      }
      return { ...row, versions: await versionsById(tx, row.evaluation.ruleVersionIds) };
    },
    { readOnly: true },
  );
  const { evaluation, ruleSet } = loaded;
  const compiled = compileVersions(ctx, ruleSet, loaded.versions);
  const { versionIds: _, ...result } = run(ctx, ruleSet, "replay", () =>
    runSet(compiled, evaluation.facts, evaluation.at),
  );
  // Deterministic by construction; a difference means the stored row was altered (or an engine bug).
  const identical = canonicalJson(storedDecisionOf(result)) === canonicalJson(evaluation.result);
  if (!identical) {
    ctx.log.error("replay differs from the stored evaluation", { evaluationId: evaluation.id });
  }
  return {
    evaluationId: evaluation.id,
    ruleSet,
    at: evaluation.at,
    facts: evaluation.facts,
    identical,
    ...result,
  };
}
