import { canonicalJson, emitMany } from "@vextrus/events";
import { AppError, invalidField, notFound } from "@vextrus/platform";
import { eq, sql } from "drizzle-orm";
import { evaluations, outbox, ruleSets } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import type { CachedSet } from "../engine/cache.ts";
import { runSet, type SetRun } from "../engine/compile.ts";
import { type EvaluationResult, storedDecisionOf } from "../engine/model.ts";
import { ruleSetLabel } from "../metrics.ts";
import { activeSet, compileVersions } from "./compiled.ts";
import { versionsById } from "./store.ts";

const EVALUATION = { en: "Evaluation", bn: "মূল্যায়ন" };

export interface EvaluateOutput extends EvaluationResult {
  evaluationId: string;
}

const outcomeOf = (result: EvaluationResult): "pass" | "approval" | "blocked" =>
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

export interface EvaluateInput {
  ruleSet: string;
  facts: Record<string, unknown>;
  at?: Date | undefined;
  /** Facts the set does not declare are ignored instead of refused (a caller passing a superset). */
  ignoreUnknownFacts?: boolean | undefined;
}

export interface EvaluateManyInput {
  ruleSet: string;
  /** One evaluation per entry, answered in the same order. */
  factSets: Record<string, unknown>[];
  at?: Date | undefined;
  ignoreUnknownFacts?: boolean | undefined;
}

const unknownIn = (set: CachedSet, facts: Record<string, unknown>) =>
  Object.keys(facts).filter((name) => !set.declared.has(name));

/** The first facts (by position) naming a fact the set does not declare, if any. */
function firstUnknown(set: CachedSet, factSets: readonly Record<string, unknown>[]) {
  for (const [index, facts] of factSets.entries()) {
    const unknown = unknownIn(set, facts);
    if (unknown.length > 0) {
      return { index, unknown };
    }
  }
  return undefined;
}

/**
 * The set to evaluate, refusing facts it does not declare (a misspelt fact would otherwise read as
 * missing and, e.g., give zero tax). The cached catalog may predate a `ruleSets.define` on another
 * replica, so a refusal is confirmed against a fresh load first; the happy path costs nothing.
 * `field` names the refused fact as the caller sent it (`facts.x`, or `factSets.1.x`).
 */
async function setFor(
  ctx: RulesContext,
  input: EvaluateManyInput,
  field: (index: number, fact: string) => string,
): Promise<CachedSet> {
  const cached = await activeSet(ctx, input.ruleSet);
  if (input.ignoreUnknownFacts || !firstUnknown(cached, input.factSets)) {
    return cached;
  }
  ctx.deps.cache.invalidate(ctx.tenantId, input.ruleSet);
  const set = await activeSet(ctx, input.ruleSet);
  const refused = firstUnknown(set, input.factSets);
  if (refused) {
    const names = refused.unknown.join(", ");
    const declared = [...set.declared].sort().join(", ");
    throw invalidField(field(refused.index, refused.unknown[0] ?? ""), "rules.fact.unknown", {
      en: `${input.ruleSet} has no fact named ${names} (its facts: ${declared})`,
      bn: `${input.ruleSet}-এ ${names} নামে কোনো তথ্য নেই (এর তথ্যগুলো: ${declared})`,
    });
  }
  return set;
}

/**
 * Evaluates the tenant's active rules of a set against the facts, as of `at` (default now), and
 * stores the inputs, the exact rule versions and the result so it can be replayed; the stored
 * evaluation is announced (`vextrus.rules.evaluation.completed`) in the same transaction.
 */
export async function evaluate({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: EvaluateInput;
}): Promise<EvaluateOutput> {
  const { facts, ...rest } = input;
  const [output] = await evaluateSets(ctx, { ...rest, factSets: [facts] }, (_, fact) => `facts.${fact}`);
  if (!output) {
    throw new Error("evaluate: no evaluation stored");
  }
  return output;
}

/**
 * `evaluate` of several fact sets against one rule set (a document's tax per rate pair): each is its
 * own stored, replayable and announced evaluation, all stored in one transaction — every one or none.
 */
export function evaluateMany({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: EvaluateManyInput;
}): Promise<{ evaluations: EvaluateOutput[] }> {
  return evaluateSets(ctx, input, (index, fact) => `factSets.${index}.${fact}`).then((evaluations) => ({
    evaluations,
  }));
}

async function evaluateSets(
  ctx: RulesContext,
  input: EvaluateManyInput,
  field: (index: number, fact: string) => string,
): Promise<EvaluateOutput[]> {
  const started = performance.now();
  const label = ruleSetLabel(input.ruleSet);
  const at = input.at ?? new Date();
  const set = await setFor(ctx, input, field);
  const runs = input.factSets.map((facts) => {
    const result = run(ctx, input.ruleSet, "evaluate", () => runSet(set.compiled, facts, at));
    return { id: Bun.randomUUIDv7(), facts, result, decision: storedDecisionOf(result) };
  });
  const durationMs = Math.round(((performance.now() - started) / runs.length) * 1000) / 1000;
  const announced = runs.map(({ id, result, decision }) => ({
    type: "vextrus.rules.evaluation.completed" as const,
    subject: id,
    tenantId: ctx.tenantId,
    actorId: ctx.principal.userId,
    traceparent: ctx.traceparent,
    data: {
      id,
      ruleSetId: set.ruleSetId,
      ruleSet: input.ruleSet,
      outcome: outcomeOf(result),
      fired: decision.fired,
      durationMs,
    },
  }));
  const rows = runs.map(
    ({ id, facts, result, decision }) =>
      sql`(${id}, ${ctx.tenantId}, ${set.ruleSetId}, ${JSON.stringify(facts)}::jsonb,
        ${at.toISOString()}::timestamptz, string_to_array(${[...result.versionIds].join(",")}, ',')::uuid[],
        ${JSON.stringify(decision)}::jsonb, ${ctx.principal.userId})`,
  );
  // The evaluation rows (no query builder rendered per evaluation) and their events, sent together:
  // postgres.js pipelines both statements on the transaction's connection, one round trip for all.
  await ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    Promise.all([
      tx.execute(sql`
        insert into ${evaluations} (id, tenant_id, rule_set_id, facts, at, rule_version_ids, result, created_by)
        values ${sql.join(rows, sql`, `)}`),
      emitMany(tx, outbox, announced),
    ]),
  );
  // One observation per evaluation, each its share of the call (the histogram stays per evaluation).
  const seconds = (performance.now() - started) / 1000 / runs.length;
  for (const _ of runs) {
    ctx.deps.metrics.duration.observe({ rule_set: label }, seconds);
  }
  return runs.map(({ id, result }) => ({
    evaluationId: id,
    outputs: result.outputs,
    actions: result.actions,
    trace: result.trace,
  }));
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
  const result = run(ctx, ruleSet, "replay", () => runSet(compiled, evaluation.facts, evaluation.at));
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
    outputs: result.outputs,
    actions: result.actions,
    trace: result.trace,
  };
}
