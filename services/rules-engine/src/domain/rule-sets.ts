import { invalidField } from "@vextrus/platform";
import { asc, eq, sql } from "drizzle-orm";
import { ruleSets } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import type { FactCatalog } from "../engine/model.ts";
import { currentVersions, findRuleSet } from "./store.ts";

/**
 * Creates a tenant's own rule set, or adds facts to an existing one. A fact never changes type once
 * declared, so every stored rule version keeps meaning what it meant.
 */
export async function defineRuleSet({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: { key: string; name: string; facts: FactCatalog };
}) {
  const defined = await ctx.deps.db.tenant(ctx.tenantId, async (tx) => {
    const [existing] = await tx
      .select()
      .from(ruleSets)
      .where(eq(ruleSets.key, input.key))
      .for("update")
      .limit(1);
    if (!existing) {
      const [row] = await tx
        .insert(ruleSets)
        .values({ tenantId: ctx.tenantId, key: input.key, name: input.name, facts: input.facts })
        .returning();
      if (!row) {
        throw new Error("insert into rule_sets returned nothing");
      }
      return row;
    }
    for (const [name, spec] of Object.entries(existing.facts)) {
      const next = input.facts[name];
      if (!next) {
        throw invalidField(`facts.${name}`, "rules.fact.removed", {
          en: `The fact ${name} is in use and cannot be removed`,
          bn: `${name} তথ্যটি ব্যবহৃত হচ্ছে, সরানো যাবে না`,
        });
      }
      if (next.type !== spec.type) {
        throw invalidField(`facts.${name}.type`, "rules.fact.retyped", {
          en: `The fact ${name} is a ${spec.type} and cannot change type`,
          bn: `${name} তথ্যটির ধরন ${spec.type}, পরিবর্তন করা যাবে না`,
        });
      }
    }
    const [row] = await tx
      .update(ruleSets)
      .set({ name: input.name, facts: input.facts, updatedAt: sql`now()` })
      .where(eq(ruleSets.id, existing.id))
      .returning();
    if (!row) {
      throw new Error("update of rule_sets returned nothing");
    }
    return row;
  });
  // Its catalog changed: evaluations on this replica see the new facts at once.
  ctx.deps.cache.invalidate(ctx.tenantId, input.key);
  return defined;
}

export async function listRuleSets({ ctx }: { ctx: RulesContext }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    (tx) =>
      tx
        .select({ id: ruleSets.id, key: ruleSets.key, name: ruleSets.name, pack: ruleSets.pack })
        .from(ruleSets)
        .orderBy(asc(ruleSets.key)),
    { readOnly: true },
  );
}

/** A rule set with its facts and the current version of each rule. */
export async function getRuleSet({ ctx, input }: { ctx: RulesContext; input: { key: string } }) {
  return ctx.deps.db.tenant(
    ctx.tenantId,
    async (tx) => {
      const set = await findRuleSet(tx, input.key);
      const rules = await currentVersions(tx, set.id);
      rules.sort((a, b) => b.priority - a.priority || a.key.localeCompare(b.key));
      return { ...set, rules };
    },
    { readOnly: true },
  );
}
