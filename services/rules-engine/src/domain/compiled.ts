import type { Tx } from "@vextrus/platform/db";
import type { RulesContext } from "../deps.ts";
import type { CachedSet } from "../engine/cache.ts";
import { assembleSet, type CompiledSet, compileRule } from "../engine/compile.ts";
import type { FactType, RuleVersion } from "../engine/model.ts";
import { currentVersions, findRuleSet } from "./store.ts";

/** Prefix of the ids simulate gives draft versions: compiled afresh, never cached. */
export const DRAFT_ID_PREFIX = "draft:";

/** Compiles versions (each stored one at most once, by id) into a runnable set. */
export function compileVersions(
  ctx: RulesContext,
  key: string,
  versions: readonly RuleVersion[],
): CompiledSet {
  const factTypes: Record<string, FactType> = {};
  for (const v of versions) {
    Object.assign(factTypes, v.factTypes);
  }
  return assembleSet(
    key,
    versions.map((v) => (v.id.startsWith(DRAFT_ID_PREFIX) ? compileRule(v) : ctx.deps.cache.compiled(v))),
    factTypes,
  );
}

async function loadActive(ctx: RulesContext, tx: Tx, key: string): Promise<CachedSet> {
  const set = await findRuleSet(tx, key);
  const versions = (await currentVersions(tx, set.id)).filter((v) => v.status === "active");
  return {
    ruleSetId: set.id,
    compiled: compileVersions(ctx, key, versions),
    declared: new Set(Object.keys(set.facts)),
  };
}

/** The tenant's active rules of a set, compiled; from the cache unless a change invalidated it. */
export async function activeSet(ctx: RulesContext, key: string): Promise<CachedSet> {
  const { cache, db } = ctx.deps;
  const hit = cache.get(ctx.tenantId, key);
  if (hit) {
    return hit;
  }
  const generation = cache.generation(ctx.tenantId, key);
  const loaded = await db.tenant(ctx.tenantId, (tx) => loadActive(ctx, tx, key), { readOnly: true });
  cache.set(ctx.tenantId, key, generation, loaded);
  return loaded;
}
