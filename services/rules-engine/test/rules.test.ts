import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ConditionInput } from "../src/engine/model.ts";
import { clientFor, failure, type RulesApi, type RulesHarness, startRules } from "./harness.ts";

let h: RulesHarness;
let api: RulesApi;
let token: string;

const FACTS = {
  amount: { type: "money" },
  qty: { type: "number" },
  code: { type: "string" },
  urgent: { type: "boolean" },
  due: { type: "date" },
  divisor: { type: "number" },
} as const;

const base = {
  priority: 0,
  status: "active",
  effectiveFrom: "2020-01-01",
  reference: { authority: "internal", section: "test" },
} as const;

const flagRule = (key: string, when: ConditionInput) => ({
  ...base,
  ruleSet: "test.ops",
  key: key.toLowerCase(),
  name: key,
  when,
  actions: [{ kind: "flag" as const, flag: key }],
});

const OPERATOR_RULES: [string, ConditionInput][] = [
  ["eq_money", { fact: "amount", op: "eq", value: "50000.00" }],
  ["ne_money", { fact: "amount", op: "ne", value: "50000.00" }],
  ["gt_money", { fact: "amount", op: "gt", value: "50000.00" }],
  ["gte_money", { fact: "amount", op: "gte", value: "50000.00" }],
  ["lt_money", { fact: "amount", op: "lt", value: "50000.01" }],
  ["lte_money", { fact: "amount", op: "lte", value: "50000.00" }],
  ["in_money", { fact: "amount", op: "in", value: ["100.00", 50000] }],
  ["notin_money", { fact: "amount", op: "notIn", value: ["100.00"] }],
  ["between_money", { fact: "amount", op: "between", value: ["49999.99", "50000.00"] }],
  ["exists_code", { fact: "code", op: "exists" }],
  ["startsWith_code", { fact: "code", op: "startsWith", value: "CON-" }],
  ["in_code", { fact: "code", op: "in", value: ["CON-1", "CON-2"] }],
  ["notin_code", { fact: "code", op: "notIn", value: ["CON-1"] }],
  ["eq_urgent", { fact: "urgent", op: "eq", value: true }],
  ["gt_due", { fact: "due", op: "gt", value: "2025-06-30" }],
  ["lte_due", { fact: "due", op: "lte", value: "2025-06-30" }],
  ["between_qty", { fact: "qty", op: "between", value: [1, 10] }],
  ["not_urgent", { not: { fact: "urgent", op: "eq", value: true } }],
  [
    "any_big",
    {
      any: [
        { fact: "qty", op: "gt", value: 100 },
        { fact: "code", op: "eq", value: "X" },
      ],
    },
  ],
  [
    "all_both",
    {
      all: [
        { fact: "qty", op: "gte", value: 0.5 },
        { fact: "urgent", op: "exists" },
      ],
    },
  ],
];

beforeAll(async () => {
  h = await startRules("rules");
  ({ api, token } = await h.newTenant());
  await api.ruleSets.define.mutate({ key: "test.ops", name: "Operators", facts: FACTS });
  for (const [key, when] of OPERATOR_RULES) {
    await api.rules.create.mutate(flagRule(key, when));
  }
});
afterAll(async () => {
  await h.stop();
});

async function flags(facts: Record<string, string | number | boolean>) {
  const result = await api.evaluate.mutate({ ruleSet: "test.ops", facts });
  return result.actions.flatMap((a) => (a.kind === "flag" ? [a.flag] : [])).sort();
}

describe("condition operators", () => {
  test("money at 50,000.00 compares exactly", async () => {
    expect(await flags({ amount: "50000.00" })).toEqual(
      [
        "between_money",
        "eq_money",
        "gte_money",
        "in_money",
        "lt_money",
        "lte_money",
        "not_urgent",
        "notin_money",
      ].sort(),
    );
  });

  test("money at 50,000.01 compares exactly", async () => {
    expect(await flags({ amount: "50000.01" })).toEqual(
      ["gt_money", "gte_money", "ne_money", "not_urgent", "notin_money"].sort(),
    );
  });

  test("money as a number and with one decimal means the same amount", async () => {
    expect(await flags({ amount: 50000 })).toEqual(await flags({ amount: "50000.0" }));
    expect(await flags({ amount: 49999.99 })).toContain("between_money");
  });

  test("strings, booleans, dates and numbers", async () => {
    expect(await flags({ code: "CON-2", urgent: true, due: "2025-07-01", qty: 10 })).toEqual(
      [
        "all_both",
        "between_qty",
        "eq_urgent",
        "exists_code",
        "gt_due",
        "in_code",
        "notin_code",
        "startsWith_code",
      ].sort(),
    );
    expect(await flags({ code: "X", urgent: false, due: "2025-06-30", qty: 101 })).toEqual(
      ["all_both", "any_big", "exists_code", "lte_due", "not_urgent", "notin_code"].sort(),
    );
  });

  test("the trace lists every rule with its version and each condition's result", async () => {
    const result = await api.evaluate.mutate({ ruleSet: "test.ops", facts: { qty: 101, code: "Y" } });
    expect(result.trace).toHaveLength(OPERATOR_RULES.length);
    const any = result.trace.find((t) => t.ruleKey === "any_big");
    expect(any).toMatchObject({ version: 1, matched: true });
    expect(any?.conditions).toEqual([
      { path: "when.any.0", fact: "qty", op: "gt", expected: 100, actual: 101, result: true },
      { path: "when.any.1", fact: "code", op: "eq", expected: "X", actual: "Y", result: false },
    ]);
  });

  test("a fact of the wrong type is a 400 naming it", async () => {
    for (const facts of [
      { amount: "1.001" },
      { amount: "abc" },
      { urgent: "yes" },
      { due: "2025-13-45" },
    ] as Record<string, string>[]) {
      const error = await failure(api.evaluate.mutate({ ruleSet: "test.ops", facts }));
      expect(error.httpStatus).toBe(400);
      expect(error.issues?.[0]?.path).toBe(`facts.${Object.keys(facts)[0]}`);
    }
  });
});

describe("saving validates and names the path", () => {
  const save = (when: ConditionInput, actions: unknown[] = [{ kind: "flag", flag: "x" }], key = "bad") =>
    failure(api.rules.create.mutate({ ...flagRule(key, when), actions: actions as never }));

  test.each([
    [
      {
        all: [
          { fact: "amount", op: "gt", value: "1" },
          { fact: "nope", op: "eq", value: 1 },
        ],
      },
      "when.all.1.fact",
      "rules.fact.unknown",
    ],
    [{ fact: "amount", op: "gt", value: "abc" }, "when.value", "rules.condition.type"],
    [{ fact: "amount", op: "gt", value: "1.001" }, "when.value", "rules.condition.type"],
    [{ fact: "code", op: "gt", value: "a" }, "when.op", "rules.condition.operator"],
    [{ not: { fact: "urgent", op: "eq", value: "true" } }, "when.not.value", "rules.condition.type"],
    [{ fact: "qty", op: "between", value: [10, 1] }, "when.value", "rules.condition.range"],
    [{ fact: "qty", op: "in", value: [] }, "when.value", "rules.condition.value"],
    [{ fact: "code", op: "exists", value: "a" }, "when.value", "rules.condition.value"],
  ] as [ConditionInput, string, string][])("%j → %s", async (when, path, code) => {
    const error = await save(when);
    expect(error).toMatchObject({ httpStatus: 400, appCode: code });
    expect(error.issues).toEqual([{ path, code, message: expect.any(String) }]);
  });

  test.each([
    [[{ kind: "set", output: "o", formula: "amount * (2 +" }], "actions.0.formula", "rules.formula.syntax"],
    [[{ kind: "set", output: "o", formula: "amount + code" }], "actions.0.formula", "rules.formula.type"],
    [
      [{ kind: "set", output: "o", formula: "missing * 2" }],
      "actions.0.formula",
      "rules.formula.unknown_fact",
    ],
    [
      [{ kind: "set", output: "o", formula: "out.later + 1" }],
      "actions.0.formula",
      "rules.formula.unknown_output",
    ],
    [
      [
        { kind: "set", output: "o", value: 1 },
        { kind: "set", output: "o", value: 2 },
      ],
      "actions.1.output",
      "rules.output.conflict",
    ],
    [[{ kind: "set", output: "o", value: 1, formula: "1" }], "actions.0", "rules.action.set"],
    [
      [{ kind: "require_committee", name: "board", required: 3, of: 2 }],
      "actions.0.required",
      "rules.action.committee",
    ],
  ])("actions %j → %s", async (actions, path, code) => {
    const error = await save({ all: [] }, actions);
    expect(error).toMatchObject({ httpStatus: 400, appCode: code });
    expect(error.issues?.[0]?.path).toBe(path);
  });

  test("two rules setting one output at the same priority conflict; different types too", async () => {
    await api.rules.create.mutate({
      ...flagRule("sets_total", { all: [] }),
      actions: [{ kind: "set", output: "total", value: 1 }],
    });
    const same = await save({ all: [] }, [{ kind: "set", output: "total", value: 2 }], "sets_total_again");
    expect(same).toMatchObject({ appCode: "rules.output.conflict", issues: [{ path: "actions.0.output" }] });
    const typed = await failure(
      api.rules.create.mutate({
        ...flagRule("sets_total_text", { all: [] }),
        priority: -1,
        actions: [{ kind: "set", output: "total", value: "text" }],
      }),
    );
    expect(typed).toMatchObject({ appCode: "rules.output.conflict" });
  });

  test("messages come in Bengali when asked", async () => {
    const bn = clientFor(h.app, token, { "accept-language": "bn" });
    const error = await failure(bn.rules.create.mutate(flagRule("bn", { fact: "nope", op: "exists" })));
    expect(error.issues?.[0]?.message).toBe('এই নিয়ম-সেটে "nope" নামে কোনো তথ্য নেই');
  });

  test("schema faults are 400s with zod's path (unknown operator, missing actions)", async () => {
    const error = await failure(
      api.rules.create.mutate({ ...flagRule("z", { fact: "qty", op: "like" as "eq", value: 1 }) }),
    );
    expect(error.httpStatus).toBe(400);
    const noActions = await failure(api.rules.create.mutate({ ...flagRule("z", { all: [] }), actions: [] }));
    expect(noActions.issues?.[0]?.path).toBe("actions");
  });

  test("a duplicate key is a CONFLICT", async () => {
    const error = await failure(api.rules.create.mutate(flagRule("eq_money", { all: [] })));
    expect(error).toMatchObject({ httpStatus: 409, appCode: "rules.rule.exists" });
  });
});

describe("formulas in rules", () => {
  test("set outputs from formulas over facts and earlier outputs; division by zero is a 400", async () => {
    await api.ruleSets.define.mutate({ key: "test.calc", name: "Calc", facts: FACTS });
    const calc = (key: string, priority: number, actions: unknown[]) =>
      api.rules.create.mutate({
        ...base,
        ruleSet: "test.calc",
        key,
        name: key,
        priority,
        when: { fact: "amount", op: "exists" },
        actions: actions as never,
      });
    await calc("first", 10, [
      { kind: "set", output: "share", formula: "round(amount / divisor)" },
      { kind: "set", output: "ratio", formula: "qty / divisor", as: "number" },
    ]);
    await calc("second", 5, [
      { kind: "set", output: "withVat", formula: "out.share + percent(out.share, 15)" },
    ]);
    const result = await api.evaluate.mutate({
      ruleSet: "test.calc",
      facts: { amount: "100.00", divisor: 3, qty: 1 },
    });
    expect(result.outputs).toEqual({ share: "33.33", ratio: 0.333333333333, withVat: "38.33" });
    const error = await failure(
      api.evaluate.mutate({ ruleSet: "test.calc", facts: { amount: "1.00", divisor: 0, qty: 1 } }),
    );
    expect(error).toMatchObject({ httpStatus: 400, appCode: "rules.formula.division_by_zero" });
    expect(error.message).toBe("facts: rule first v1 actions.0.formula: division by zero");
  });
});
