import { invalidField } from "@vextrus/platform";
import { compileFormula, type Evaluator } from "./compile-formula.ts";
import { type CompiledLeaf, type ConditionShape, compileCondition, operandOf } from "./conditions.ts";
import { type Dec, decToMoney, decToNumber, parseDec } from "./decimal.ts";
import { parseFormula } from "./formula.ts";
import { dhakaDay, type Runtime, type Value } from "./functions.ts";
import { bitAt, generateConditions, type SetConditions, wordsFor } from "./generate.ts";
import type { Action, EvaluationResult, FactType, OutputValue, RuleVersion, TraceEntry } from "./model.ts";
import { literalKind, type OutputKind } from "./validate.ts";

/** What the matched rules decided so far, besides outputs. */
interface Decisions {
  level: number;
  committees: Map<string, { required: number; of: number }>;
  blocks: Map<string, { en: string; bn: string }>;
  /** In the order first raised (few per evaluation: an array beats a Set here). */
  flags: string[];
  kinds: Map<string, OutputKind>;
}

type ActionFn = (rt: Runtime, decisions: Decisions) => void;

/**
 * One rule version compiled once per version id: its condition's leaves and shape (generated into
 * the set's conditions function, generate.ts) and its actions as closures.
 */
export interface CompiledRule {
  versionId: string;
  ruleId: string;
  key: string;
  version: number;
  priority: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  leaves: CompiledLeaf[];
  shape: ConditionShape;
  actions: ActionFn[];
  /** `key@version`, as a stored decision lists the rules that fired. */
  label: string;
}

/** The rules in effect on a day, their version ids, and their conditions as one generated function. */
interface InEffect {
  rules: CompiledRule[];
  versionIds: string[];
  conditions: SetConditions;
  /** Where the rules' bits start in what `conditions` answers. */
  leafWords: number;
}

export interface CompiledSet {
  key: string;
  rules: CompiledRule[];
  factTypes: Record<string, FactType>;
  /** The facts the set reads and their types, as lists (walked per evaluation, faster than `for in`). */
  factNames: string[];
  factTypeList: FactType[];
  /** The rules in effect on a day (and their version ids), worked out once per day. */
  inEffect: Map<string, InEffect>;
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
        if (!d.flags.includes(flag)) {
          d.flags.push(flag);
        }
      };
    }
  }
}

export function compileRule(rule: RuleVersion): CompiledRule {
  const { leaves, shape } = compileCondition(rule.when, "when", rule.factTypes);
  return {
    versionId: rule.id,
    ruleId: rule.ruleId,
    key: rule.key,
    version: rule.version,
    priority: rule.priority,
    effectiveFrom: rule.effectiveFrom,
    effectiveTo: rule.effectiveTo ?? null,
    leaves,
    shape,
    actions: rule.actions.map((action, i) => compileAction(rule, action, i)),
    label: `${rule.key}@${rule.version}`,
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
  const factNames = Object.keys(factTypes);
  return {
    key,
    rules: [...rules].sort(byPriority),
    factTypes,
    factNames,
    factTypeList: factNames.map((name) => factTypes[name] ?? "string"),
    inEffect: new Map(),
  };
}

function inEffectOn(set: CompiledSet, day: string): InEffect {
  const known = set.inEffect.get(day);
  if (known) {
    return known;
  }
  const rules = set.rules.filter(
    (rule) => rule.effectiveFrom <= day && (rule.effectiveTo === null || rule.effectiveTo >= day),
  );
  const found: InEffect = {
    rules,
    versionIds: rules.map((rule) => rule.versionId),
    conditions: generateConditions(rules),
    leafWords: wordsFor(rules.reduce((n, rule) => n + rule.leaves.length, 0)),
  };
  if (set.inEffect.size >= 64) {
    set.inEffect.clear();
  }
  set.inEffect.set(day, found);
  return found;
}

/** Reads the facts the set uses as their types; a wrong type is a 400 naming `facts.<name>`. */
function prepareFacts(set: CompiledSet, raw: Record<string, unknown>): Record<string, Value> {
  const facts: Record<string, Value> = {};
  const names = set.factNames;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const value = raw[name];
    if (value === undefined || value === null) {
      continue;
    }
    const type = set.factTypeList[i] ?? "string";
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
  /** `key@version` of every rule that matched, in evaluation order. */
  fired: string[];
}

/**
 * The trace of a run from what it recorded (every leaf's and rule's result): rendered into objects
 * only when read, as most callers need the decision alone.
 */
function renderTrace(
  rules: readonly CompiledRule[],
  bits: readonly number[],
  leafWords: number,
  raw: Record<string, unknown>,
): TraceEntry[] {
  const trace: TraceEntry[] = new Array(rules.length);
  let g = 0;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as CompiledRule;
    const conditions: TraceEntry["conditions"] = new Array(rule.leaves.length);
    for (let i = 0; i < rule.leaves.length; i++, g++) {
      const leaf = rule.leaves[i] as CompiledLeaf;
      conditions[i] = {
        path: leaf.path,
        fact: leaf.fact,
        op: leaf.op,
        expected: leaf.expected,
        actual: raw[leaf.fact] ?? null,
        result: bitAt(bits, 0, g),
      };
    }
    trace[r] = {
      ruleId: rule.ruleId,
      ruleKey: rule.key,
      version: rule.version,
      matched: bitAt(bits, leafWords, r),
      conditions,
    };
  }
  return trace;
}

/**
 * Evaluates a compiled rule set. Pure: the same set, facts and `at` give the same result. The
 * trace is an own, enumerable property computed on first read (spreading or serialising the result
 * renders it), from the facts as they were.
 */
export function runSet(set: CompiledSet, raw: Record<string, unknown>, at: Date): SetRun {
  const day = dhakaDay(at);
  const rt: Runtime = { facts: prepareFacts(set, raw), outputs: new Map(), day };
  const decisions: Decisions = {
    level: 0,
    committees: new Map(),
    blocks: new Map(),
    flags: [],
    kinds: new Map(),
  };
  const { rules, versionIds, conditions, leafWords } = inEffectOn(set, day);
  const bits = conditions(rt.facts);
  const fired: string[] = [];
  for (let r = 0; r < rules.length; r++) {
    if (bitAt(bits, leafWords, r)) {
      const rule = rules[r] as CompiledRule;
      fired.push(rule.label);
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
  // The facts as they were (a caller may change its object later), by position in factNames.
  const names = set.factNames;
  const actual: unknown[] = new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    actual[i] = raw[names[i] as string];
  }
  const result = { outputs, actions, versionIds: versionIds.slice(), fired } as SetRun;
  let trace: TraceEntry[] | undefined;
  Object.defineProperty(result, "trace", {
    enumerable: true,
    configurable: true,
    get: () => {
      trace ??= renderTrace(
        rules,
        bits,
        leafWords,
        Object.fromEntries(names.map((name, i) => [name, actual[i]])),
      );
      return trace;
    },
    set: (value: TraceEntry[]) => {
      trace = value;
    },
  });
  return result;
}
