import { invalidField } from "@vextrus/platform";
import { compileFormula, type Evaluator } from "./compile-formula.ts";
import { type ConditionFn, compileCondition, operandOf } from "./conditions.ts";
import { type Dec, decToMoney, decToNumber, parseDec } from "./decimal.ts";
import { parseFormula } from "./formula.ts";
import { dhakaDay, type Runtime, type Value } from "./functions.ts";
import type { Action, EvaluationResult, FactType, OutputValue, RuleVersion, TraceEntry } from "./model.ts";
import { literalKind, type OutputKind } from "./validate.ts";

/** What the matched rules decided so far, besides outputs. */
interface Decisions {
  level: number;
  committees: Map<string, { required: number; of: number }>;
  blocks: Map<string, { en: string; bn: string }>;
  flags: Set<string>;
  kinds: Map<string, OutputKind>;
}

type ActionFn = (rt: Runtime, decisions: Decisions) => void;

/** One rule version compiled into closures (no generated code). Compiled once per version id. */
export interface CompiledRule {
  versionId: string;
  ruleId: string;
  key: string;
  version: number;
  priority: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  when: ConditionFn;
  actions: ActionFn[];
}

export interface CompiledSet {
  key: string;
  rules: CompiledRule[];
  factTypes: Record<string, FactType>;
  /** The rules in effect on a day (and their version ids), worked out once per day. */
  inEffect: Map<string, { rules: CompiledRule[]; versionIds: string[] }>;
}

function compileAction(rule: RuleVersion, action: RuleVersion["actions"][number], index: number): ActionFn {
  switch (action.kind) {
    case "set": {
      const output = action.output;
      if (action.formula !== undefined) {
        const kind: OutputKind = action.as ?? "money";
        const label = `rule ${rule.key} v${rule.version} actions.${index}.formula`;
        const formula: Evaluator = compileFormula(parseFormula(action.formula), label);
        return (rt, d) => {
          rt.outputs.set(output, formula(rt));
          d.kinds.set(output, kind);
        };
      }
      const literal = action.value ?? "";
      const kind = literalKind(literal);
      const value: Value = typeof literal === "number" ? parseDec(literal) : literal;
      return (rt, d) => {
        rt.outputs.set(output, value);
        d.kinds.set(output, kind);
      };
    }
    case "require_approval": {
      const level = action.level;
      return (_rt, d) => {
        d.level = Math.max(d.level, level);
      };
    }
    case "require_committee": {
      const { name, required, of } = action;
      return (_rt, d) => {
        const before = d.committees.get(name);
        if (!before || before.required < required) {
          d.committees.set(name, { required, of });
        }
      };
    }
    case "block": {
      const reason = action.reason;
      return (_rt, d) => {
        d.blocks.set(reason.en, reason);
      };
    }
    case "flag": {
      const flag = action.flag;
      return (_rt, d) => {
        d.flags.add(flag);
      };
    }
  }
}

export function compileRule(rule: RuleVersion): CompiledRule {
  return {
    versionId: rule.id,
    ruleId: rule.ruleId,
    key: rule.key,
    version: rule.version,
    priority: rule.priority,
    effectiveFrom: rule.effectiveFrom,
    effectiveTo: rule.effectiveTo ?? null,
    when: compileCondition(rule.when, "when", rule.factTypes),
    actions: rule.actions.map((action, i) => compileAction(rule, action, i)),
  };
}

/** Runs before lower priorities; equal priorities by key, so the order never depends on storage. */
const byPriority = (a: CompiledRule, b: CompiledRule) =>
  b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function assembleSet(
  key: string,
  rules: readonly CompiledRule[],
  factTypes: Record<string, FactType>,
): CompiledSet {
  return { key, rules: [...rules].sort(byPriority), factTypes, inEffect: new Map() };
}

function inEffectOn(set: CompiledSet, day: string): { rules: CompiledRule[]; versionIds: string[] } {
  const known = set.inEffect.get(day);
  if (known) {
    return known;
  }
  const rules = set.rules.filter(
    (rule) => rule.effectiveFrom <= day && (rule.effectiveTo === null || rule.effectiveTo >= day),
  );
  const found = { rules, versionIds: rules.map((rule) => rule.versionId) };
  if (set.inEffect.size >= 64) {
    set.inEffect.clear();
  }
  set.inEffect.set(day, found);
  return found;
}

/** Reads the facts the set uses as their types; a wrong type is a 400 naming `facts.<name>`. */
function prepareFacts(set: CompiledSet, raw: Record<string, unknown>): Record<string, Value> {
  const facts: Record<string, Value> = {};
  for (const name in set.factTypes) {
    const value = raw[name];
    if (value === undefined || value === null) {
      continue;
    }
    const type = set.factTypes[name] ?? "string";
    const operand = operandOf(type, value);
    if (operand === undefined) {
      throw invalidField(`facts.${name}`, "rules.fact.type", {
        en: `${name} must be a ${type}${type === "money" ? " with at most two decimals" : ""}`,
        bn: `${name} একটি ${type} হতে হবে`,
      });
    }
    facts[name] = operand;
  }
  return facts;
}

function outputValue(value: Value, kind: OutputKind): OutputValue {
  if (typeof value === "object") {
    return kind === "money" ? decToMoney(value as Dec) : decToNumber(value as Dec);
  }
  return value ?? "";
}

export interface SetRun extends EvaluationResult {
  /** The rule versions that were in effect and considered: stored so a replay runs exactly these. */
  versionIds: string[];
}

/** Evaluates a compiled rule set. Pure: the same set, facts and `at` give the same result. */
export function runSet(set: CompiledSet, raw: Record<string, unknown>, at: Date): SetRun {
  const day = dhakaDay(at);
  const rt: Runtime = { facts: prepareFacts(set, raw), outputs: new Map(), day };
  const decisions: Decisions = {
    level: 0,
    committees: new Map(),
    blocks: new Map(),
    flags: new Set(),
    kinds: new Map(),
  };
  const trace: TraceEntry[] = [];
  const { rules, versionIds } = inEffectOn(set, day);
  for (const rule of rules) {
    const conditions: TraceEntry["conditions"] = [];
    const matched = rule.when(rt.facts, raw, conditions);
    trace.push({ ruleId: rule.ruleId, ruleKey: rule.key, version: rule.version, matched, conditions });
    if (matched) {
      for (const action of rule.actions) {
        action(rt, decisions);
      }
    }
  }
  const outputs: Record<string, OutputValue> = {};
  for (const [name, value] of rt.outputs) {
    outputs[name] = outputValue(value, decisions.kinds.get(name) ?? "money");
  }
  const actions: Action[] = [];
  if (decisions.level > 0) {
    actions.push({ kind: "require_approval", level: decisions.level });
  }
  for (const [name, c] of decisions.committees) {
    actions.push({ kind: "require_committee", name, required: c.required, of: c.of });
  }
  for (const reason of decisions.blocks.values()) {
    actions.push({ kind: "block", reason });
  }
  for (const flag of decisions.flags) {
    actions.push({ kind: "flag", flag });
  }
  return { outputs, actions, trace, versionIds: [...versionIds] };
}
