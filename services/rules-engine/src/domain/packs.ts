import type { Tx } from "@vextrus/platform/db";
import { ruleSets } from "../db/schema.ts";
import type { RulesContext } from "../deps.ts";
import { PACKS } from "../packs/index.ts";
import { createRuleIn } from "./rules.ts";

/**
 * Installs the built-in packs a tenant does not have yet, in the caller's tenant transaction.
 * Idempotent: a rule set that exists (installed before, maybe edited since) is left alone.
 */
export async function installPacksIn(
  tx: Tx,
  input: { tenantId: string; actorId: string | null; packs?: readonly string[] | undefined },
): Promise<{ installed: string[]; skipped: string[] }> {
  const installed: string[] = [];
  const skipped: string[] = [];
  for (const pack of PACKS) {
    if (input.packs && !input.packs.includes(pack.key)) {
      continue;
    }
    const [set] = await tx
      .insert(ruleSets)
      .values({ tenantId: input.tenantId, key: pack.key, name: pack.name, facts: pack.facts, pack: pack.key })
      .onConflictDoNothing({ target: [ruleSets.tenantId, ruleSets.key] })
      .returning({ id: ruleSets.id, key: ruleSets.key, facts: ruleSets.facts });
    if (!set) {
      skipped.push(pack.key);
      continue;
    }
    for (const draft of pack.rules) {
      await createRuleIn(tx, { tenantId: input.tenantId, actorId: input.actorId, ruleSet: set, draft });
    }
    installed.push(pack.key);
  }
  return { installed, skipped };
}

export async function installPacks({
  ctx,
  input,
}: {
  ctx: RulesContext;
  input: { packs?: string[] | undefined };
}) {
  const result = await ctx.deps.db.tenant(ctx.tenantId, (tx) =>
    installPacksIn(tx, { tenantId: ctx.tenantId, actorId: ctx.principal.userId, packs: input.packs }),
  );
  for (const key of result.installed) {
    ctx.deps.cache.invalidate(ctx.tenantId, key);
  }
  return result;
}

export const listPacks = () => PACKS.map((p) => ({ key: p.key, name: p.name, rules: p.rules.length }));
