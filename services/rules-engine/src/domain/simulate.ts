import { canonicalJson } from "@vextrus/events";
import { AppError, invalidField } from "@vextrus/platform";
import { desc, eq } from "drizzle-orm";
import { evaluations } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import { runSet } from "../engine/compile.ts";
import type { Action, OutputValue, RuleDraft, RuleVersion } from "../engine/model.ts";
import { validateRule } from "../engine/validate.ts";
import { compileVersions, DRAFT_ID_PREFIX } from "./compiled.ts";
import { claimsOf } from "./rules.ts";
import { currentVersions, findRuleSet } from "./store.ts";

interface Decision {
  outputs: Record<string, OutputValue>;
  actions: Action[];
}

export interface SimulatedChange {
  evaluationId: string;
  at: Date;
  before: Decision;
  /** null when the draft rules cannot evaluate these facts (see `error`). */
  after: Decision | null;
  error?: { code: string; message: string };
}

/**
 * Re-runs the inputs of the set's most recent evaluations under the current rules with the drafts
 * applied (a draft replaces the rule with its key, or adds one; status retired removes it), and
 * reports every evaluation whose decision (outputs and actions) would change. Nothing is saved.
 */
export async function simulate({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: { ruleSet: string; draftRules: RuleDraft[]; sampleSize: number };
}) {
  const { current, recent } = await ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const set = await findRuleSet(tx, input.ruleSet);
      const current = await currentVersions(tx, set.id);
      const recent = await tx
        .select({
          id: evaluations.id,
          facts: evaluations.facts,
          at: evaluations.at,
          result: evaluations.result,
        })
        .from(evaluations)
        .where(eq(evaluations.ruleSetId, set.id))
        .orderBy(desc(evaluations.id))
        .limit(input.sampleSize);
      return { current: { set, versions: current }, recent };
    },
    { readOnly: true },
  );
  const drafted = new Map(input.draftRules.map((d) => [d.key, d]));
  const live = current.versions.filter((v) => v.status !== "retired" && !drafted.has(v.key));
  const versions: RuleVersion[] = [...live];
  input.draftRules.forEach((draft, i) => {
    const { key, ...body } = draft;
    if (input.draftRules.findIndex((d) => d.key === key) !== i) {
      throw invalidField(`draftRules.${i}.key`, "rules.draft.duplicate", {
        en: `Another draft already has the key ${key}`,
        bn: `${key} কী-সহ আরেকটি খসড়া ইতিমধ্যে আছে`,
      });
    }
    const others = [...live, ...versions.filter((v) => v.id.startsWith(DRAFT_ID_PREFIX) && v.key !== key)];
    const { factTypes } = validateRule(body, current.set.facts, claimsOf(others, key), `draftRules.${i}.`);
    const existing = current.versions.find((v) => v.key === key);
    versions.push({
      ...body,
      key,
      id: `${DRAFT_ID_PREFIX}${i}`,
      ruleId: existing?.ruleId ?? `draft:${key}`,
      version: (existing?.version ?? 0) + 1,
      factTypes,
    });
  });
  const compiled = compileVersions(
    ctx,
    input.ruleSet,
    versions.filter((v) => v.status === "active"),
  );
  const changes: SimulatedChange[] = [];
  for (const evaluation of recent) {
    const before: Decision = { outputs: evaluation.result.outputs, actions: evaluation.result.actions };
    try {
      const run = runSet(compiled, evaluation.facts, evaluation.at);
      const after: Decision = { outputs: run.outputs, actions: run.actions };
      if (canonicalJson(after) !== canonicalJson(before)) {
        changes.push({ evaluationId: evaluation.id, at: evaluation.at, before, after });
      }
    } catch (error) {
      if (!(error instanceof AppError)) {
        throw error;
      }
      changes.push({
        evaluationId: evaluation.id,
        at: evaluation.at,
        before,
        after: null,
        error: { code: error.code, message: error.text[ctx.locale] },
      });
    }
  }
  return { ruleSet: input.ruleSet, sampled: recent.length, changed: changes.length, changes };
}
