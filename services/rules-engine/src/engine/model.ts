import { z } from "zod";

/** The types a fact (an input of an evaluation) can have. Money and number compare as exact decimals. */
export const FACT_TYPES = ["money", "number", "string", "boolean", "date"] as const;
export type FactType = (typeof FACT_TYPES)[number];

export const OPERATORS = [
  "eq",
  "ne",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "notIn",
  "between",
  "exists",
  "startsWith",
] as const;
export type Operator = (typeof OPERATORS)[number];

export const AUTHORITIES = ["NBR", "RAJUK", "BIDA", "internal"] as const;
export const RULE_STATUSES = ["draft", "active", "retired"] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const Name = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, "letters, digits and _; starts with a letter");
export const RuleSetKey = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,40}(\.[a-z][a-z0-9_]{0,40}){0,4}$/,
    "lower-case words joined by dots, e.g. tax.vat",
  );
export const RuleKey = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, "lower-case letters, digits, _ . -");
export const IsoDate = z.iso.date();

export const FactSpec = z.strictObject({
  type: z.enum(FACT_TYPES),
  /** For string facts: the only values accepted. */
  values: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
  description: z.string().max(500).optional(),
});
export type FactSpec = z.infer<typeof FactSpec>;
export const FactCatalog = z.record(Name, FactSpec);
export type FactCatalog = z.infer<typeof FactCatalog>;

const Scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
export const ConditionValue = z.union([Scalar, z.array(z.union([z.string().max(200), z.number()])).max(200)]);
export type ConditionValue = z.infer<typeof ConditionValue>;

export type ConditionInput =
  | { all: ConditionInput[] }
  | { any: ConditionInput[] }
  | { not: ConditionInput }
  | { fact: string; op: Operator; value?: ConditionValue | undefined };

export const Condition: z.ZodType<ConditionInput, ConditionInput> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(Condition).max(50) }),
    z.strictObject({ any: z.array(Condition).min(1).max(50) }),
    z.strictObject({ not: Condition }),
    z.strictObject({ fact: Name, op: z.enum(OPERATORS), value: ConditionValue.optional() }),
  ]),
);

export const Bilingual = z.strictObject({ en: z.string().min(1).max(500), bn: z.string().min(1).max(500) });

export const ActionInput = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("set"),
    output: Name,
    /** A literal value… */
    value: Scalar.optional(),
    /** …or a formula over facts and earlier outputs (`out.vat`). */
    formula: z.string().min(1).max(1000).optional(),
    /** How a formula's result is returned: money as a two-decimal string (default) or a number. */
    as: z.enum(["money", "number"]).optional(),
  }),
  z.strictObject({ kind: z.literal("require_approval"), level: z.number().int().min(1).max(9) }),
  z.strictObject({
    kind: z.literal("require_committee"),
    name: Name,
    required: z.number().int().min(1).max(50),
    of: z.number().int().min(1).max(50),
  }),
  z.strictObject({ kind: z.literal("block"), reason: Bilingual }),
  z.strictObject({ kind: z.literal("flag"), flag: Name }),
]);
export type ActionInput = z.infer<typeof ActionInput>;

export const Reference = z.strictObject({
  authority: z.enum(AUTHORITIES),
  section: z.string().min(1).max(200),
});

/** A rule as an author writes it; saving it creates a new immutable version. */
export const RuleBody = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  status: z.enum(RULE_STATUSES),
  effectiveFrom: IsoDate,
  effectiveTo: IsoDate.nullable().optional(),
  reference: Reference,
  when: Condition,
  actions: z.array(ActionInput).min(1).max(50),
});
export type RuleBody = z.infer<typeof RuleBody>;

export const RuleDraft = RuleBody.extend({ key: RuleKey });
export type RuleDraft = z.infer<typeof RuleDraft>;

/** What an evaluation returns (the workflow service's contract). */
export type Action =
  | { kind: "require_approval"; level: number }
  | { kind: "require_committee"; name: string; required: number; of: number }
  | { kind: "block"; reason: { en: string; bn: string } }
  | { kind: "flag"; flag: string };

export interface ConditionTrace {
  path: string;
  fact: string;
  op: string;
  expected: unknown;
  actual: unknown;
  result: boolean;
}

export interface TraceEntry {
  ruleId: string;
  ruleKey: string;
  version: number;
  matched: boolean;
  conditions: ConditionTrace[];
}

export type OutputValue = string | number | boolean;

export interface EvaluationResult {
  outputs: Record<string, OutputValue>;
  actions: Action[];
  trace: TraceEntry[];
}

/**
 * What an evaluation row keeps of its result: the decision and which rule versions fired. The full
 * trace is not stored: `replay` rebuilds it exactly from the stored facts, `at` and rule versions
 * (a 50-rule trace is ~17 KB; storing it cut stored evaluations/s by two thirds).
 */
export interface StoredDecision {
  outputs: Record<string, OutputValue>;
  actions: Action[];
  /** `ruleKey@version` of every rule that matched, in evaluation order. */
  fired: string[];
}

export const storedDecisionOf = (result: EvaluationResult & { fired?: string[] }): StoredDecision => ({
  outputs: result.outputs,
  actions: result.actions,
  fired: result.fired ?? result.trace.filter((t) => t.matched).map((t) => `${t.ruleKey}@${t.version}`),
});

/** One stored, immutable rule version: everything needed to compile it. */
export interface RuleVersion extends RuleBody {
  id: string;
  ruleId: string;
  key: string;
  version: number;
  /** The type of every fact the version reads, frozen when it was saved. */
  factTypes: Record<string, FactType>;
}
