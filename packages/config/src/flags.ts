import { z } from "zod";
import type { ScopeLevel, SettingDefinition, Text } from "./define.ts";

const Ids = z.array(z.uuid()).max(500).default([]);

/**
 * How a flag is served, stored as the flag's value (so it is versioned, effective-dated and audited
 * like any setting): off for everyone unless `enabled`; then `variant` for the targeted tenants,
 * companies and users, for `percentage` % of the rest (by a stable bucket), or for everyone when
 * neither targets nor a percentage are given.
 */
export const FlagRule = z.strictObject({
  enabled: z.boolean(),
  variant: z.string().min(1).max(40),
  tenantIds: Ids,
  companyIds: Ids,
  userIds: Ids,
  percentage: z.number().min(0).max(100).optional(),
});
export type FlagRule = z.output<typeof FlagRule>;

export interface FlagContext {
  tenantId: string;
  companyId?: string | undefined;
  userId?: string | undefined;
}

/** OpenFeature's resolution reasons, the ones this evaluator gives. */
export type FlagReason = "DISABLED" | "TARGETING_MATCH" | "SPLIT" | "STATIC" | "DEFAULT";

export interface FlagEvaluation {
  key: string;
  variant: string;
  /** `true`/`false` for a boolean flag (variant `on`/`off`), the variant name otherwise. */
  value: boolean | string;
  reason: FlagReason;
}

/** Declares a flag; boolean flags have the variants `on` and `off` and default to `off`. */
export function defineFlag<const Key extends string>(definition: {
  key: Key;
  description: Text;
  permission: string;
  variants?: readonly [string, ...string[]];
  defaultVariant?: string;
  scopes?: readonly ScopeLevel[];
}): SettingDefinition<z.ZodType<FlagRule>> & { key: Key } {
  const variants = definition.variants ?? ["on", "off"];
  const defaultVariant = definition.defaultVariant ?? (definition.variants ? variants[0] : "off");
  if (!defaultVariant || !variants.includes(defaultVariant)) {
    throw new Error(`flag "${definition.key}": default variant is not one of its variants`);
  }
  const schema = FlagRule.extend({ variant: z.enum(variants as [string, ...string[]]) });
  const off: FlagRule = {
    enabled: false,
    variant: defaultVariant,
    tenantIds: [],
    companyIds: [],
    userIds: [],
  };
  return {
    kind: "flag",
    key: definition.key,
    schema,
    default: off,
    description: definition.description,
    permission: definition.permission,
    scopes: definition.scopes ?? ["platform", "tenant"],
    variants,
  };
}

/** FNV-1a, 32 bits: the same input lands in the same bucket on every replica and every run. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The caller's bucket for `flagKey`, in [0, 100): a rollout of p % serves buckets below p. */
export const bucketOf = (flagKey: string, unit: string): number =>
  (fnv1a(`${flagKey}:${unit}`) % 10_000) / 100;

/** Serves `rule` to `context`; `defaultVariant` when the rule does not reach the caller. */
export function evaluateFlag(
  definition: SettingDefinition,
  rule: FlagRule,
  context: FlagContext,
): FlagEvaluation {
  const variants = definition.variants ?? ["on", "off"];
  const fallback = (definition.default as FlagRule).variant;
  const serve = (variant: string, reason: FlagReason): FlagEvaluation => ({
    key: definition.key,
    variant,
    value: variants.includes("on") && variants.length === 2 ? variant === "on" : variant,
    reason,
  });
  if (!rule.enabled) {
    return serve(fallback, "DISABLED");
  }
  const targeted =
    rule.tenantIds.includes(context.tenantId) ||
    (context.companyId !== undefined && rule.companyIds.includes(context.companyId)) ||
    (context.userId !== undefined && rule.userIds.includes(context.userId));
  if (targeted) {
    return serve(rule.variant, "TARGETING_MATCH");
  }
  if (rule.percentage !== undefined) {
    const unit = context.userId ?? context.companyId ?? context.tenantId;
    return bucketOf(definition.key, unit) < rule.percentage
      ? serve(rule.variant, "SPLIT")
      : serve(fallback, "SPLIT");
  }
  const hasTargets = rule.tenantIds.length + rule.companyIds.length + rule.userIds.length > 0;
  return hasTargets ? serve(fallback, "DEFAULT") : serve(rule.variant, "STATIC");
}
