import {
  definitionOf,
  evaluateFlag,
  FLAG_KEYS,
  type FlagEvaluation,
  FlagRule,
  type Provenance,
} from "@vextrus/config";
import { z } from "zod";
import type { ConfigContext } from "../deps.ts";
import { resolveKeys } from "./resolve.ts";

export const EvaluateInput = z.strictObject({
  keys: z.array(z.enum(FLAG_KEYS)).min(1).max(100),
  /** Who the flags are for; the caller's own user when `userId` is left out. */
  context: z
    .strictObject({
      companyId: z.uuid().optional(),
      branchId: z.uuid().optional(),
      departmentId: z.uuid().optional(),
      userId: z.uuid().optional(),
    })
    .default({}),
});

/**
 * Each flag's variant for the context: its rule resolved like any value (the tenant's over the
 * platform's), then targeting (tenant, company, user) and a stable percentage bucket.
 */
export async function evaluateFlags({
  ctx,
  input,
}: {
  ctx: ConfigContext;
  input: z.infer<typeof EvaluateInput>;
}): Promise<{ items: (FlagEvaluation & { source: Provenance })[] }> {
  const keys = [...new Set(input.keys)];
  const context = { ...input.context, userId: input.context.userId ?? ctx.principal.userId };
  const resolutions = await resolveKeys(ctx, keys, context, ctx.deps.clock());
  const items = resolutions.map((resolution) => {
    const definition = definitionOf(resolution.key);
    const rule = FlagRule.safeParse(resolution.value);
    if (!definition || !rule.success) {
      throw new Error(`flag ${resolution.key}: stored rule does not parse`);
    }
    const evaluation = evaluateFlag(definition, rule.data, { tenantId: ctx.tenantId, ...context });
    ctx.deps.metrics.flagEvaluations.inc({ reason: evaluation.reason });
    return { ...evaluation, source: resolution.source };
  });
  return { items };
}
