import { describe, expect, test } from "bun:test";
import { assembleSet, compileRule, runSet } from "../src/engine/compile.ts";
import { operandOf } from "../src/engine/conditions.ts";
import { cmpDec, type Dec } from "../src/engine/decimal.ts";
import type { ConditionInput, FactCatalog, RuleDraft, RuleVersion } from "../src/engine/model.ts";
import { validateRule } from "../src/engine/validate.ts";

const CATALOG: FactCatalog = {
  amount: { type: "money" },
  qty: { type: "number" },
  region: { type: "string" },
  due: { type: "date" },
  urgent: { type: "boolean" },
};
const AT = new Date("2025-07-01T06:00:00Z");

function setOf(conditions: ConditionInput[]) {
  const versions: RuleVersion[] = conditions.map((when, i) => {
    const draft: RuleDraft = {
      key: `r${i}`,
      name: `rule ${i}`,
      priority: 100 - i,
      status: "active",
      effectiveFrom: "2000-01-01",
      reference: { authority: "internal", section: "test" },
      when,
      actions: [{ kind: "flag", flag: `r${i}` }],
    };
    const { key, ...body } = draft;
    const { factTypes } = validateRule(body, CATALOG, []);
    return { ...body, key, id: `v${i}`, ruleId: `rule-${i}`, version: 1, factTypes };
  });
  const factTypes = Object.fromEntries(Object.entries(CATALOG).map(([name, spec]) => [name, spec.type]));
  return assembleSet("test.generated", versions.map(compileRule), factTypes);
}

/** The obvious tree walk, written apart from the engine: what each leaf and rule should answer. */
function reference(node: ConditionInput, facts: Record<string, unknown>, leaves: boolean[]): boolean {
  if ("all" in node) {
    return node.all.map((c) => reference(c, facts, leaves)).every(Boolean);
  }
  if ("any" in node) {
    return node.any.map((c) => reference(c, facts, leaves)).some(Boolean);
  }
  if ("not" in node) {
    return !reference(node.not, facts, leaves);
  }
  const type = CATALOG[node.fact]?.type ?? "string";
  const v = facts[node.fact] === undefined ? undefined : operandOf(type, facts[node.fact]);
  const decimal = type === "money" || type === "number";
  const cmp = (a: unknown, b: unknown) =>
    decimal ? cmpDec(a as Dec, b as Dec) : (a as string) < (b as string) ? -1 : a === b ? 0 : 1;
  const one = operandOf(type, node.value);
  const list = Array.isArray(node.value) ? node.value.map((x) => operandOf(type, x)) : [];
  let result: boolean;
  if (v === undefined) {
    result = false;
  } else {
    switch (node.op) {
      case "exists":
        result = true;
        break;
      case "eq":
        result = cmp(v, one) === 0;
        break;
      case "ne":
        result = cmp(v, one) !== 0;
        break;
      case "gt":
        result = cmp(v, one) > 0;
        break;
      case "gte":
        result = cmp(v, one) >= 0;
        break;
      case "lt":
        result = cmp(v, one) < 0;
        break;
      case "lte":
        result = cmp(v, one) <= 0;
        break;
      case "in":
        result = list.some((x) => cmp(v, x) === 0);
        break;
      case "notIn":
        result = !list.some((x) => cmp(v, x) === 0);
        break;
      case "between":
        result = cmp(v, list[0]) >= 0 && cmp(v, list[1]) <= 0;
        break;
      case "startsWith":
        result = String(v).startsWith(String(node.value));
        break;
    }
  }
  leaves.push(result);
  return result;
}

const CONDITIONS: ConditionInput[] = [
  { fact: "amount", op: "gt", value: "1500.50" },
  { fact: "amount", op: "lte", value: 1500 },
  { fact: "amount", op: "eq", value: "1500.5" },
  { fact: "qty", op: "gte", value: 12.25 },
  { fact: "qty", op: "ne", value: 7 },
  { fact: "qty", op: "between", value: [3, 9.5] },
  { fact: "qty", op: "in", value: [1, 2.5, "7"] },
  // Compared at the most places of any qty literal (2): 7 as 700, -0.5 as -50; a fact with more
  // places (12.255) or past 2^53 at two (90071992547409) takes the general comparison.
  { fact: "qty", op: "lt", value: -0.5 },
  { fact: "qty", op: "gt", value: 9007199254740 },
  { fact: "amount", op: "between", value: ["1500", "2000.01"] },
  { fact: "region", op: "in", value: ["dhaka", "sylhet"] },
  { fact: "region", op: "notIn", value: ["khulna"] },
  { fact: "region", op: "eq", value: "dhaka" },
  { fact: "region", op: "startsWith", value: "dh" },
  { fact: "due", op: "lt", value: "2025-08-01" },
  { fact: "due", op: "eq", value: "2025-07-15" },
  { fact: "urgent", op: "eq", value: true },
  { fact: "urgent", op: "ne", value: false },
  { fact: "urgent", op: "exists" },
  { all: [] },
  {
    not: {
      any: [
        { fact: "qty", op: "lt", value: 3 },
        { fact: "region", op: "eq", value: "rangpur" },
      ],
    },
  },
  {
    all: [
      {
        any: [
          { fact: "amount", op: "lt", value: "99999999999.99" },
          { fact: "qty", op: "gt", value: 1e15 },
        ],
      },
      { not: { fact: "region", op: "in", value: ["dhaka"] } },
    ],
  },
];

function randomFacts(seed: number): Record<string, unknown> {
  let a = seed;
  const rnd = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const maybe = <T>(value: T) => (rnd() < 0.1 ? undefined : value);
  const regions = ["dhaka", "sylhet", "khulna", "rangpur", "dhamrai"];
  return Object.fromEntries(
    Object.entries({
      amount: maybe(
        [
          `${Math.floor(rnd() * 3000)}.${String(Math.floor(rnd() * 100)).padStart(2, "0")}`,
          "1500.50",
          "1500",
        ][Math.floor(rnd() * 3)],
      ),
      qty: maybe(
        [
          Math.floor(rnd() * 15),
          Math.round(rnd() * 2000) / 100,
          7,
          2.5,
          9.5,
          12.255,
          -0.5,
          -1,
          "9007199254740.01",
          "12.250",
          90071992547409, // past 2^53 at two places
        ][Math.floor(rnd() * 11)],
      ),
      region: maybe(regions[Math.floor(rnd() * regions.length)]),
      due: maybe(["2025-07-15", "2025-08-01", "2025-06-30"][Math.floor(rnd() * 3)]),
      urgent: maybe(rnd() < 0.5),
    }).filter(([, v]) => v !== undefined),
  );
}

describe("conditions generated into one function per set", () => {
  test("every leaf and rule answers as the plain tree walk does, and the trace records each", () => {
    const set = setOf(CONDITIONS);
    for (let seed = 1; seed <= 2000; seed++) {
      const facts = randomFacts(seed);
      const run = runSet(set, facts, AT);
      CONDITIONS.forEach((condition, i) => {
        const leaves: boolean[] = [];
        const matched = reference(condition, facts, leaves);
        const entry = run.trace[i];
        expect({
          seed,
          rule: i,
          matched: entry?.matched,
          leaves: entry?.conditions.map((c) => c.result),
        }).toEqual({
          seed,
          rule: i,
          matched,
          leaves,
        });
        expect(entry?.conditions.map((c) => c.actual)).toEqual(
          entry?.conditions.map((c) => facts[c.fact] ?? null) ?? [],
        );
      });
      const flags = run.actions.flatMap((a) => (a.kind === "flag" ? [a.flag] : []));
      expect(flags).toEqual(run.trace.filter((t) => t.matched).map((t) => t.ruleKey));
      expect(run.fired).toEqual(run.trace.filter((t) => t.matched).map((t) => `${t.ruleKey}@1`));
    }
  });

  test("money compared with whole-taka literals only answers as the tree walk does", () => {
    const whole: ConditionInput[] = [
      { fact: "amount", op: "lte", value: 1500 },
      { fact: "amount", op: "gt", value: "0" },
      { fact: "amount", op: "between", value: [1000, "2000"] },
    ];
    const set = setOf(whole);
    for (let seed = 1; seed <= 500; seed++) {
      const facts = randomFacts(seed);
      const run = runSet(set, facts, AT);
      expect({ seed, matched: run.trace.map((t) => t.matched) }).toEqual({
        seed,
        matched: whole.map((condition) => reference(condition, facts, [])),
      });
    }
  });

  test("a tenant's text is data, never source: quotes and code in values and names change nothing", () => {
    const hostile = '"); globalThis.pwned = true; ("';
    const set = setOf([
      { fact: "region", op: "eq", value: hostile },
      { fact: "region", op: "in", value: [hostile, `\u0060$\u007bglobalThis.pwned = 1}\u0060`] },
    ]);
    const hit = runSet(set, { region: hostile }, AT);
    const miss = runSet(set, { region: "dhaka" }, AT);
    expect(hit.trace.map((t) => t.matched)).toEqual([true, true]);
    expect(miss.trace.map((t) => t.matched)).toEqual([false, false]);
    expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
  });

  test("the trace is part of the result: reading or serialising it renders it, from the facts as given", () => {
    const set = setOf(CONDITIONS.slice(0, 3));
    const facts: Record<string, unknown> = { amount: "2000.00" };
    const run = runSet(set, facts, AT);
    facts.amount = "1.00"; // the caller's object changes after the run: the trace keeps what was given
    expect(run.trace).toHaveLength(3);
    expect(run.trace[0]?.conditions[0]).toEqual({
      path: "when",
      fact: "amount",
      op: "gt",
      expected: "1500.50",
      actual: "2000.00",
      result: true,
    });
    const json = JSON.parse(JSON.stringify(run)) as { trace: { matched: boolean }[]; fired: string[] };
    expect(json.trace.map((t) => t.matched)).toEqual([true, false, false]);
    expect(json.fired).toEqual(["r0@1"]);
  });
});

describe("what a run decides", () => {
  function setWith(rules: { when: ConditionInput; actions: RuleDraft["actions"] }[]) {
    const versions: RuleVersion[] = rules.map(({ when, actions }, i) => {
      const body = {
        name: `rule ${i}`,
        priority: 100 - i,
        status: "active" as const,
        effectiveFrom: "2000-01-01",
        reference: { authority: "internal" as const, section: "test" },
        when,
        actions,
      };
      const { factTypes } = validateRule(body, CATALOG, []);
      return { ...body, key: `d${i}`, id: `d${i}`, ruleId: `rule-d${i}`, version: 1, factTypes };
    });
    const factTypes = Object.fromEntries(Object.entries(CATALOG).map(([name, spec]) => [name, spec.type]));
    return assembleSet("test.decisions", versions.map(compileRule), factTypes);
  }
  const big = { fact: "amount", op: "gt", value: "1000.00" } as const;
  const reason = { en: "Over the limit", bn: "সীমার বেশি" };

  test("a flag raised by two rules is answered once, where first raised", () => {
    const set = setWith([
      { when: big, actions: [{ kind: "flag", flag: "large" }] },
      { when: big, actions: [{ kind: "flag", flag: "review" }] },
      { when: big, actions: [{ kind: "flag", flag: "large" }] },
    ]);
    expect(runSet(set, { amount: "2000.00" }, AT).actions).toEqual([
      { kind: "flag", flag: "large" },
      { kind: "flag", flag: "review" },
    ]);
    expect(runSet(set, { amount: "20.00" }, AT).actions).toEqual([]);
  });

  test("approval, committees, blocks and outputs beside flags, in their order; shared results stay unchanged", () => {
    const set = setWith([
      { when: big, actions: [{ kind: "flag", flag: "large" }] },
      {
        when: big,
        actions: [
          { kind: "require_approval", level: 2 },
          { kind: "set", output: "fee", formula: "amount / 100" },
          { kind: "block", reason },
          { kind: "flag", flag: "blocked" },
        ],
      },
      { when: { all: [] }, actions: [{ kind: "require_committee", name: "board", required: 2, of: 3 }] },
    ]);
    const run = runSet(set, { amount: "2500.00" }, AT);
    expect(run.actions).toEqual([
      { kind: "require_approval", level: 2 },
      { kind: "require_committee", name: "board", required: 2, of: 3 },
      { kind: "block", reason },
      { kind: "flag", flag: "large" },
      { kind: "flag", flag: "blocked" },
    ]);
    expect(run.outputs).toEqual({ fee: "25.00" });
    expect(run.fired).toEqual(["d0@1", "d1@1", "d2@1"]);
    // Actions are shared between runs: a caller cannot change what the next run answers.
    expect(() => {
      (run.actions[3] as { flag: string }).flag = "changed";
    }).toThrow();
    expect(runSet(set, { amount: "10.00" }, AT).actions).toEqual([
      { kind: "require_committee", name: "board", required: 2, of: 3 },
    ]);
    expect(runSet(set, { amount: "2500.00" }, AT).actions[3]).toEqual({ kind: "flag", flag: "large" });
  });
});
