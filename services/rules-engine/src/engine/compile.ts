import { readPoishaNumber } from "@vextrus/bd";
import { invalidField } from "@vextrus/platform";
import { compileFormula, type Evaluator } from "./compile-formula.ts";
import { type CompiledLeaf, type ConditionShape, compileCondition, operandOf } from "./conditions.ts";
import { type Dec, decToMoney, decToNumber, moneyOfPoisha, parseDec } from "./decimal.ts";
import { parseFormula } from "./formula.ts";
import { dhakaDay, type Runtime, type Value } from "./functions.ts";
import { bitAt, generateConditions, type SetConditions, wordsFor } from "./generate.ts";
import type { Action, EvaluationResult, FactType, OutputValue, RuleVersion, TraceEntry } from "./model.ts";
import { literalKind, type OutputKind } from "./validate.ts";

/**
 * What the matched rules of one evaluation decided so far. Built only as far as its actions need:
 * a run whose rules only flag never makes a Map, and formulas get their runtime on first use.
 */
class RunState {
  level = 0;
  committees: Map<string, { required: number; of: number }> | undefined = undefined;
  /** Each block's action by its English reason (the last rule to raise a reason gives its text). */
  blocks: Map<string, Action> | undefined = undefined;
  /** Flag actions in the order first raised (few per evaluation: an array beats a Set here). */
  readonly flags: Action[];
  /** Whether two rules in effect can raise the same flag (else raising one needs no look-up). */
  readonly sharedFlags: boolean;
  kinds: Map<string, OutputKind> | undefined = undefined;
  #rt: Runtime | undefined = undefined;
  readonly #set: CompiledSet;
  readonly #values: readonly Value[];
  readonly #day: string;
  constructor(
    set: CompiledSet,
    values: readonly Value[],
    day: string,
    flags: Action[],
    sharedFlags: boolean,
  ) {
    this.flags = flags;
    this.sharedFlags = sharedFlags;
    this.#set = set;
    this.#values = values;
    this.#day = day;
  }
  /** What formulas read: the facts by name and the outputs so far. */
  runtime(): Runtime {
    if (this.#rt === undefined) {
      const facts: Record<string, Value> = {};
      const names = this.#set.factNames;
      for (let i = 0; i < names.length; i++) {
        const value = this.#values[i] as Value | number;
        if (value !== undefined) {
          // Money is prepared as its poisha (prepareFacts): formulas compute with the decimal.
          facts[names[i] as string] = typeof value === "number" ? moneyOfPoisha(value) : value;
        }
      }
      this.#rt = { facts, outputs: new Map(), day: this.#day };
    }
    return this.#rt;
  }
  /** Records how an output is answered (money or number). */
  kindOf(output: string, kind: OutputKind): void {
    this.kinds ??= new Map();
    this.kinds.set(output, kind);
  }
  get outputs(): Map<string, Value> | undefined {
    return this.#rt?.outputs;
  }
}

type ActionFn = (run: RunState) => void;

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
  /** The flags its actions raise. */
  flags: string[];
  /**
   * When every action of the rule is a flag: the flag actions it answers (frozen, shared by every
   * run), which a run adds directly instead of calling each action (when no other rule in effect
   * raises the same flag).
   */
  onlyFlags: readonly Action[] | null;
}

/** The rules in effect on a day, their version ids, and their conditions as one generated function. */
interface InEffect {
  rules: CompiledRule[];
  /** Frozen: every run of the day answers this same list. */
  versionIds: readonly string[];
  conditions: SetConditions;
  /** Where `conditions` writes the leaves' bits in a run's array (after the facts, twice). */
  bitsFrom: number;
  /** Where the rules' bits start in a run's array. */
  ruleBitsFrom: number;
  /** The length of a run's array: the facts prepared, as given, then the bits. */
  runLength: number;
  /** Each leaf's fact as its position in the set's factNames (-1: a fact the set does not read). */
  leafFacts: Int32Array;
  /** Whether a flag is raised by more than one action in effect (then a run looks before it adds one). */
  sharedFlags: boolean;
  /**
   * Per rule, how many flags it raises when it only flags and no flag is shared, else -1: a run
   * whose matched rules all only flag counts them and fills an array of that length.
   */
  flagCounts: Int32Array;
}

export interface CompiledSet {
  key: string;
  rules: CompiledRule[];
  factTypes: Record<string, FactType>;
  /** The facts the set reads and their types, as lists: a run's facts are an array in this order. */
  factNames: string[];
  factTypeList: FactType[];
  /** The rules in effect on a day (and their version ids), worked out once per day. */
  inEffect: Map<string, InEffect>;
  /** The day asked last and its rules (nearly every run asks for today). */
  lastDay: string;
  lastInEffect: InEffect | undefined;
}

function compileAction(rule: RuleVersion, action: RuleVersion["actions"][number], index: number): ActionFn {
  switch (action.kind) {
    case "set": {
      const output = action.output;
      if (action.formula !== undefined) {
        const kind: OutputKind = action.as ?? "money";
        const label = `rule ${rule.key} v${rule.version} actions.${index}.formula`;
        const formula: Evaluator = compileFormula(parseFormula(action.formula), label);
        return (run) => {
          const rt = run.runtime();
          rt.outputs.set(output, formula(rt));
          run.kindOf(output, kind);
        };
      }
      const literal = action.value ?? "";
      const kind = literalKind(literal);
      const value: Value = typeof literal === "number" ? parseDec(literal) : literal;
      return (run) => {
        run.runtime().outputs.set(output, value);
        run.kindOf(output, kind);
      };
    }
    case "require_approval": {
      const level = action.level;
      return (run) => {
        run.level = Math.max(run.level, level);
      };
    }
    case "require_committee": {
      const { name, required, of } = action;
      return (run) => {
        run.committees ??= new Map();
        const before = run.committees.get(name);
        if (!before || before.required < required) {
          run.committees.set(name, { required, of });
        }
      };
    }
    case "block": {
      // The action an evaluation answers, made once (frozen: every evaluation shares it).
      const block: Action = Object.freeze({ kind: "block", reason: Object.freeze({ ...action.reason }) });
      const en = action.reason.en;
      return (run) => {
        run.blocks ??= new Map();
        run.blocks.set(en, block);
      };
    }
    case "flag": {
      const flag = action.flag;
      const raised = flagAction(flag);
      return (run) => {
        const flags = run.flags;
        if (run.sharedFlags) {
          for (let i = 0; i < flags.length; i++) {
            if ((flags[i] as { flag: string }).flag === flag) {
              return;
            }
          }
        }
        flags.push(raised);
      };
    }
  }
}

const flagAction = (flag: string): Action => Object.freeze({ kind: "flag", flag });

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
    flags: rule.actions.flatMap((action) => (action.kind === "flag" ? [action.flag] : [])),
    onlyFlags: rule.actions.every((action) => action.kind === "flag")
      ? Object.freeze(rule.actions.map((action) => flagAction((action as { flag: string }).flag)))
      : null,
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
    lastDay: "",
    lastInEffect: undefined,
  };
}

function inEffectOn(set: CompiledSet, day: string): InEffect {
  if (set.lastDay === day && set.lastInEffect !== undefined) {
    return set.lastInEffect;
  }
  let found = set.inEffect.get(day);
  if (!found) {
    const rules = set.rules.filter(
      (rule) => rule.effectiveFrom <= day && (rule.effectiveTo === null || rule.effectiveTo >= day),
    );
    const factIndex = new Map(set.factNames.map((name, i) => [name, i]));
    const flags = rules.flatMap((rule) => rule.flags);
    const leafFacts = Int32Array.from(
      rules.flatMap((rule) => rule.leaves.map((leaf) => factIndex.get(leaf.fact) ?? -1)),
    );
    const bitsFrom = 2 * set.factNames.length;
    const ruleBitsFrom = bitsFrom + wordsFor(leafFacts.length);
    const sharedFlags = new Set(flags).size < flags.length;
    found = {
      rules,
      versionIds: Object.freeze(rules.map((rule) => rule.versionId)),
      conditions: generateConditions(
        rules,
        factIndex,
        new Set(set.factNames.filter((_, i) => set.factTypeList[i] === "money")),
        bitsFrom,
      ),
      bitsFrom,
      ruleBitsFrom,
      runLength: ruleBitsFrom + wordsFor(rules.length),
      leafFacts,
      sharedFlags,
      flagCounts: Int32Array.from(rules, (rule) =>
        rule.onlyFlags !== null && !sharedFlags ? rule.onlyFlags.length : -1,
      ),
    };
    if (set.inEffect.size >= 64) {
      set.inEffect.clear();
    }
    set.inEffect.set(day, found);
  }
  set.lastDay = day;
  set.lastInEffect = found;
  return found;
}

/**
 * A run's one array: the facts the set uses read as their types, by position in factNames
 * (undefined: missing; a wrong type is a 400 naming `facts.<name>`; money as its poisha, a safe
 * integer, no decimal made unless a formula or a general comparison asks for one); then, at
 * count + i, each fact as given (for the trace); then room for the conditions' bits (`length` in all).
 */
function prepareFacts(set: CompiledSet, raw: Record<string, unknown>, length: number): unknown[] {
  const names = set.factNames;
  const types = set.factTypeList;
  const count = names.length;
  const values: unknown[] = new Array(length);
  for (let i = 0; i < count; i++) {
    const name = names[i] as string;
    const value = raw[name];
    values[count + i] = value;
    if (value === undefined || value === null) {
      values[i] = undefined;
      continue;
    }
    const type = types[i] ?? "string";
    const operand = type === "money" ? poishaOf(value) : operandOf(type, value);
    if (operand === undefined) {
      throw invalidField(`facts.${name}`, "rules.fact.type", {
        en: `${name} must be a ${type}${type === "money" ? " with at most two decimals" : ""}`,
        bn: `${name} একটি ${type} হতে হবে`,
      });
    }
    values[i] = operand;
  }
  return values;
}

const poishaOf = (value: unknown): number | undefined => {
  const poisha = readPoishaNumber(value);
  return typeof poisha === "number" ? poisha : undefined;
};

function outputValue(value: Value, kind: OutputKind): OutputValue {
  if (typeof value === "object") {
    return kind === "money" ? decToMoney(value as Dec) : decToNumber(value as Dec);
  }
  return value ?? "";
}

export interface SetRun extends EvaluationResult {
  /** The rule versions that were in effect and considered: stored so a replay runs exactly these. */
  versionIds: readonly string[];
  /** `key@version` of every rule that matched, in evaluation order. */
  fired: string[];
}

/**
 * A run's result. What it recorded (every leaf's and rule's result as bits, the facts as given: the
 * run's one array) is kept as is; the trace and the fired list are rendered from it on first read (the prototype's
 * getters: nothing is defined per run), as most callers need the decision alone. Spreading copies
 * only outputs, actions and versionIds; serialising (toJSON) renders everything.
 */
class RunResult implements SetRun {
  readonly outputs: Record<string, OutputValue>;
  readonly actions: Action[];
  readonly versionIds: readonly string[];
  readonly #inEffect: InEffect;
  /** The run's array: the facts prepared, as given (renderTrace reads these), then the bits. */
  readonly #run: readonly unknown[];
  #trace: TraceEntry[] | undefined = undefined;
  #fired: string[] | undefined = undefined;
  constructor(
    outputs: Record<string, OutputValue>,
    actions: Action[],
    inEffect: InEffect,
    run: readonly unknown[],
  ) {
    this.outputs = outputs;
    this.actions = actions;
    this.versionIds = inEffect.versionIds;
    this.#inEffect = inEffect;
    this.#run = run;
  }
  get trace(): TraceEntry[] {
    this.#trace ??= renderTrace(this.#inEffect, this.#run);
    return this.#trace;
  }
  set trace(value: TraceEntry[]) {
    this.#trace = value;
  }
  get fired(): string[] {
    if (this.#fired === undefined) {
      const { rules, ruleBitsFrom } = this.#inEffect;
      const fired: string[] = [];
      for (let r = 0; r < rules.length; r++) {
        if (bitAt(this.#run as readonly number[], ruleBitsFrom, r)) {
          fired.push((rules[r] as CompiledRule).label);
        }
      }
      this.#fired = fired;
    }
    return this.#fired;
  }
  toJSON() {
    return {
      outputs: this.outputs,
      actions: this.actions,
      versionIds: this.versionIds,
      fired: this.fired,
      trace: this.trace,
    };
  }
}

/** The trace of a run from what it recorded: every rule in effect, each condition with its values. */
function renderTrace(inEffect: InEffect, run: readonly unknown[]): TraceEntry[] {
  const { rules, bitsFrom, ruleBitsFrom, leafFacts } = inEffect;
  const count = bitsFrom >>> 1;
  const bits = run as readonly number[];
  const trace: TraceEntry[] = new Array(rules.length);
  let g = 0;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as CompiledRule;
    const leaves = rule.leaves;
    const conditions: TraceEntry["conditions"] = new Array(leaves.length);
    for (let i = 0; i < leaves.length; i++, g++) {
      const leaf = leaves[i] as CompiledLeaf;
      const fact = leafFacts[g] as number;
      conditions[i] = {
        path: leaf.path,
        fact: leaf.fact,
        op: leaf.op,
        expected: leaf.expected,
        actual: fact < 0 ? null : (run[count + fact] ?? null),
        result: (((bits[bitsFrom + (g >>> 5)] as number) >>> (g & 31)) & 1) === 1,
      };
    }
    trace[r] = {
      ruleId: rule.ruleId,
      ruleKey: rule.key,
      version: rule.version,
      matched: bitAt(bits, ruleBitsFrom, r),
      conditions,
    };
  }
  return trace;
}

/** The outputs of a run that set none (frozen: every such run answers it). */
const NO_OUTPUTS: Record<string, OutputValue> = Object.freeze({});

/**
 * The actions of a run whose matched rules all only flag (no flag shared): their flags in order,
 * counted first and written into an array of that length; undefined when a matched rule does more.
 */
function flagsAlone(inEffect: InEffect, bits: readonly number[]): Action[] | undefined {
  const { rules, ruleBitsFrom, flagCounts } = inEffect;
  const words = wordsFor(rules.length);
  let count = 0;
  for (let w = 0; w < words; w++) {
    let word = bits[ruleBitsFrom + w] as number;
    while (word !== 0) {
      const raised = flagCounts[(w << 5) + 31 - Math.clz32(word & -word)] as number;
      if (raised < 0) {
        return undefined;
      }
      count += raised;
      word &= word - 1;
    }
  }
  const flags: Action[] = new Array(count);
  let k = 0;
  for (let w = 0; w < words; w++) {
    let word = bits[ruleBitsFrom + w] as number;
    while (word !== 0) {
      const only = (rules[(w << 5) + 31 - Math.clz32(word & -word)] as CompiledRule)
        .onlyFlags as readonly Action[];
      for (let a = 0; a < only.length; a++) {
        flags[k++] = only[a] as Action;
      }
      word &= word - 1;
    }
  }
  return flags;
}

/**
 * Evaluates a compiled rule set. Pure: the same set, facts and `at` give the same result. The
 * trace is rendered on first read from what the run recorded and the facts as they were given.
 */
export function runSet(set: CompiledSet, raw: Record<string, unknown>, at: Date): SetRun {
  const day = dhakaDay(at);
  const inEffect = inEffectOn(set, day);
  // The prepared facts, the facts as given (for the trace), then the bits: one array.
  const values = prepareFacts(set, raw, inEffect.runLength) as Value[];
  const { rules, ruleBitsFrom } = inEffect;
  inEffect.conditions(values);
  const bits = values as unknown as readonly number[];
  const alone = flagsAlone(inEffect, bits);
  if (alone !== undefined) {
    return new RunResult(NO_OUTPUTS, alone, inEffect, values);
  }
  const shared = inEffect.sharedFlags;
  const flags: Action[] = [];
  // Made when a matched rule does more than flag (most runs of a flagging set never need it).
  let run: RunState | undefined;
  // The matched rules in order: the set bits of the rule words, lowest first.
  for (let w = 0; w * 32 < rules.length; w++) {
    let word = bits[ruleBitsFrom + w] as number;
    while (word !== 0) {
      const b = 31 - Math.clz32(word & -word);
      word &= word - 1;
      const rule = rules[w * 32 + b] as CompiledRule;
      const only = rule.onlyFlags;
      if (only !== null && !shared) {
        for (let a = 0; a < only.length; a++) {
          flags.push(only[a] as Action);
        }
        continue;
      }
      run ??= new RunState(set, values, day, flags, shared);
      const actions = rule.actions;
      for (let a = 0; a < actions.length; a++) {
        (actions[a] as ActionFn)(run);
      }
    }
  }
  let outputs = NO_OUTPUTS;
  const produced = run?.outputs;
  if (produced !== undefined && produced.size > 0) {
    outputs = {};
    for (const [name, value] of produced) {
      outputs[name] = outputValue(value, run?.kinds?.get(name) ?? "money");
    }
  }
  let actions: Action[];
  if (run === undefined || (run.level === 0 && run.committees === undefined && run.blocks === undefined)) {
    actions = flags; // the common case: flags alone, already in order
  } else {
    actions = [];
    if (run.level > 0) {
      actions.push({ kind: "require_approval", level: run.level });
    }
    if (run.committees !== undefined) {
      for (const [name, c] of run.committees) {
        actions.push({ kind: "require_committee", name, required: c.required, of: c.of });
      }
    }
    if (run.blocks !== undefined) {
      for (const block of run.blocks.values()) {
        actions.push(block);
      }
    }
    for (const flag of flags) {
      actions.push(flag);
    }
  }
  return new RunResult(outputs, actions, inEffect, values);
}
