import { conflict, notFound } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { and, eq, sql } from "drizzle-orm";
import { ruleSets, rules } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import type { FactCatalog, RuleBody, RuleDraft, RuleVersion } from "../engine/model.ts";
import { literalKind, type OutputClaim, validateRule } from "../engine/validate.ts";
import { emitRuleEvent } from "./rule-events.ts";
import { currentVersions, findRuleSet, insertVersion, RULE, versionsOfRule } from "./store.ts";

/** The outputs the set's other live rules set: what a new version must not conflict with. */
export function claimsOf(versions: readonly RuleVersion[], exceptKey: string): OutputClaim[] {
  const claims: OutputClaim[] = [];
  for (const v of versions) {
    if (v.key === exceptKey || v.status === "retired") {
      continue;
    }
    for (const action of v.actions) {
      if (action.kind === "set") {
        claims.push({
          output: action.output,
          kind: action.formula !== undefined ? (action.as ?? "money") : literalKind(action.value ?? ""),
          priority: v.priority,
          ruleKey: v.key,
        });
      }
    }
  }
  return claims;
}

const summary = (key: string, ruleSet: string, version: number, body: RuleBody) => ({
  key,
  ruleSet,
  version,
  name: body.name,
  status: body.status,
  priority: body.priority,
  effectiveFrom: body.effectiveFrom,
  effectiveTo: body.effectiveTo ?? null,
  authority: body.reference.authority,
  section: body.reference.section,
});

/** Creates a rule and its version 1 in one transaction (used by rules.create and the packs). */
export async function createRuleIn(
  tx: Tx,
  input: {
    tenantId: string;
    actorId: string | null;
    ruleSet: { id: string; key: string; facts: FactCatalog };
    draft: RuleDraft;
  },
): Promise<{ id: string; version: number }> {
  const { draft, ruleSet } = input;
  const existing = await currentVersions(tx, ruleSet.id);
  if (existing.some((v) => v.key === draft.key)) {
    throw conflict("rules.rule.exists", {
      en: `The rule ${draft.key} already exists in ${ruleSet.key}: update it instead`,
      bn: `${ruleSet.key}-এ ${draft.key} নিয়মটি ইতিমধ্যে আছে: এটি হালনাগাদ করুন`,
    });
  }
  const { key, ...body } = draft;
  const { factTypes } = validateRule(body, ruleSet.facts, claimsOf(existing, key));
  const [head] = await tx
    .insert(rules)
    .values({ tenantId: input.tenantId, ruleSetId: ruleSet.id, key, currentVersion: 1 })
    .returning({ id: rules.id });
  if (!head) {
    throw new Error("insert returned no row");
  }
  await insertVersion(tx, {
    tenantId: input.tenantId,
    ruleId: head.id,
    version: 1,
    body,
    factTypes,
    actorId: input.actorId,
  });
  await emitRuleEvent(tx, {
    type: "vextrus.rules.rule.created",
    subject: head.id,
    tenantId: input.tenantId,
    actorId: input.actorId,
    data: { id: head.id, after: summary(key, ruleSet.key, 1, body) },
  });
  return { id: head.id, version: 1 };
}

export async function createRule({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: RuleDraft & { ruleSet: string };
}) {
  const { ruleSet: setKey, ...draft } = input;
  const created = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const ruleSet = await findRuleSet(tx, setKey);
    return createRuleIn(tx, { tenantId: ctx.tenantId, actorId: ctx.principal.userId, ruleSet, draft });
  });
  ctx.deps.cache.invalidate(ctx.tenantId, setKey);
  return { ...created, key: draft.key, ruleSet: setKey };
}

/** Saves a new immutable version of a rule; `expectedVersion` guards against lost updates. */
export async function updateRule({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: RuleBody & { id: string; expectedVersion: number };
}) {
  const { id, expectedVersion, ...body } = input;
  const result = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [locked] = await tx
      .select({ key: rules.key, currentVersion: rules.currentVersion, ruleSetId: rules.ruleSetId })
      .from(rules)
      .where(eq(rules.id, id))
      .for("update")
      .limit(1);
    const [set] = locked
      ? await tx.select().from(ruleSets).where(eq(ruleSets.id, locked.ruleSetId)).limit(1)
      : [];
    const head = locked && set ? { ...locked, setKey: set.key, setId: set.id, facts: set.facts } : undefined;
    if (!head) {
      throw notFound(RULE, "rules.rule.not_found");
    }
    if (head.currentVersion !== expectedVersion) {
      throw conflict("rules.rule.version", {
        en: `The rule is at version ${head.currentVersion}, not ${expectedVersion}: reload and retry`,
        bn: `নিয়মটি এখন সংস্করণ ${head.currentVersion}-এ আছে: আবার লোড করে চেষ্টা করুন`,
      });
    }
    const existing = await currentVersions(tx, head.setId);
    const { factTypes } = validateRule(body, head.facts, claimsOf(existing, head.key));
    const before = existing.find((v) => v.key === head.key);
    const version = head.currentVersion + 1;
    await insertVersion(tx, {
      tenantId: ctx.tenantId,
      ruleId: id,
      version,
      body,
      factTypes,
      actorId: ctx.principal.userId,
    });
    await tx.update(rules).set({ currentVersion: version, updatedAt: sql`now()` }).where(eq(rules.id, id));
    await emitRuleEvent(tx, {
      type: body.status === "retired" ? "vextrus.rules.rule.archived" : "vextrus.rules.rule.updated",
      subject: id,
      tenantId: ctx.tenantId,
      actorId: ctx.principal.userId,
      data: {
        id,
        before: before ? summary(head.key, head.setKey, before.version, before) : {},
        after: summary(head.key, head.setKey, version, body),
      },
    });
    return { id, key: head.key, ruleSet: head.setKey, version };
  });
  ctx.deps.cache.invalidate(ctx.tenantId, result.ruleSet);
  return result;
}

/** A rule with every version it ever had. */
export async function getRule({ ctx, input }: { ctx: RulesContext; input: { id: string } }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const [head] = await tx
        .select({ id: rules.id, key: rules.key, currentVersion: rules.currentVersion, ruleSet: ruleSets.key })
        .from(rules)
        .innerJoin(ruleSets, and(eq(ruleSets.tenantId, rules.tenantId), eq(ruleSets.id, rules.ruleSetId)))
        .where(eq(rules.id, input.id))
        .limit(1);
      if (!head) {
        throw notFound(RULE, "rules.rule.not_found");
      }
      return { ...head, versions: await versionsOfRule(tx, head.id) };
    },
    { readOnly: true },
  );
}
