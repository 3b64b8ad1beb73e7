import type { RuleProperties } from "json-rules-engine";
import type { ConditionInput, RuleDraft } from "../src/engine/model.ts";

/**
 * One 50-rule set written twice: for our engine and for json-rules-engine. Same conditions, same
 * decision (which rules match). Money is a decimal string for us and a number for json-rules-engine.
 */
export const BENCH_FACTS = {
  amount: { type: "money" },
  qty: { type: "number" },
  score: { type: "number" },
  category: { type: "string" },
  region: { type: "string" },
  urgent: { type: "boolean" },
} as const;

export const CATEGORIES = ["cement", "steel", "brick", "sand", "labour"] as const;
export const REGIONS = [
  "dhaka",
  "chattogram",
  "khulna",
  "rajshahi",
  "sylhet",
  "barishal",
  "rangpur",
  "mymensingh",
];

/** A small seeded PRNG (mulberry32): the same rules and facts on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Leaf = {
  fact: string;
  op: "gt" | "gte" | "lt" | "lte" | "eq" | "ne" | "in" | "notIn";
  value: string | number | boolean | (string | number)[];
};
type Tree = { all: Tree[] } | { any: Tree[] } | Leaf;

const JRE_OP = {
  gt: "greaterThan",
  gte: "greaterThanInclusive",
  lt: "lessThan",
  lte: "lessThanInclusive",
  eq: "equal",
  ne: "notEqual",
  in: "in",
  notIn: "notIn",
} as const;

const money = (poisha: number) => `${Math.floor(poisha / 100)}.${String(poisha % 100).padStart(2, "0")}`;

/** Our condition: money thresholds as decimal strings. */
function ours(tree: Tree): ConditionInput {
  if ("all" in tree) {
    return { all: tree.all.map(ours) };
  }
  if ("any" in tree) {
    return { any: tree.any.map(ours) };
  }
  return tree;
}

/** json-rules-engine's condition: money thresholds as numbers. */
function theirs(tree: Tree): RuleProperties["conditions"] {
  if ("all" in tree) {
    return { all: tree.all.map(theirs) } as RuleProperties["conditions"];
  }
  if ("any" in tree) {
    return { any: tree.any.map(theirs) } as RuleProperties["conditions"];
  }
  const value = tree.fact === "amount" && typeof tree.value === "string" ? Number(tree.value) : tree.value;
  return { fact: tree.fact, operator: JRE_OP[tree.op], value } as unknown as RuleProperties["conditions"];
}

/** A ZEN expression (GoRules' language; numbers are exact decimals there): money as a decimal literal. */
function zen(tree: Tree): string {
  if ("all" in tree) {
    return `(${tree.all.map(zen).join(" and ")})`;
  }
  if ("any" in tree) {
    return `(${tree.any.map(zen).join(" or ")})`;
  }
  const literal = (v: string | number | boolean) =>
    typeof v === "string" && tree.fact !== "amount" ? JSON.stringify(v) : String(v);
  const value = Array.isArray(tree.value) ? `[${tree.value.map(literal).join(", ")}]` : literal(tree.value);
  const op = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "==", ne: "!=", in: "in", notIn: "not in" }[
    tree.op
  ];
  return `${tree.fact} ${op} ${value}`;
}

/**
 * The floor: the rule as a plain JavaScript condition, as one would write it by hand (money compared
 * as integer poisha, the facts' `amountPoisha`).
 */
function js(tree: Tree): string {
  if ("all" in tree) {
    return `(${tree.all.map(js).join(" && ")})`;
  }
  if ("any" in tree) {
    return `(${tree.any.map(js).join(" || ")})`;
  }
  const fact = tree.fact === "amount" ? "f.amountPoisha" : `f.${tree.fact}`;
  const literal = (v: string | number | boolean) =>
    tree.fact === "amount" ? String(Math.round(Number(v) * 100)) : JSON.stringify(v);
  if (tree.op === "in" || tree.op === "notIn") {
    const list = (tree.value as (string | number)[]).map((v) => `${fact} === ${literal(v)}`).join(" || ");
    return tree.op === "in" ? `(${list})` : `!(${list})`;
  }
  const op = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "===", ne: "!==" }[tree.op];
  return `${fact} ${op} ${literal(tree.value as string | number | boolean)}`;
}

/** The same 50 rules as one GoRules ZEN decision table (hit policy "collect", one expression column). */
export function zenDecision(trees: readonly Tree[]) {
  return {
    nodes: [
      { id: "in", type: "inputNode", name: "request", position: { x: 0, y: 0 } },
      {
        id: "table",
        type: "decisionTableNode",
        name: "fifty",
        position: { x: 200, y: 0 },
        content: {
          hitPolicy: "collect",
          inputs: [{ id: "when", name: "when" }],
          outputs: [{ id: "flag", name: "flag", field: "flag" }],
          rules: trees.map((tree, i) => ({
            _id: `r${i}`,
            when: zen(tree),
            flag: JSON.stringify(`r${String(i).padStart(2, "0")}`),
          })),
        },
      },
      { id: "out", type: "outputNode", name: "response", position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: "e1", sourceId: "in", targetId: "table", type: "edge" },
      { id: "e2", sourceId: "table", targetId: "out", type: "edge" },
    ],
  };
}

/** The floor as a function of the facts returning the flags of the matching rules, in rule order. */
export function handWritten(trees: readonly Tree[]): (f: FloorFacts) => string[] {
  const body = trees
    .map((tree, i) => `  if ${js(tree)} flags.push("r${String(i).padStart(2, "0")}");`)
    .join("\n");
  return new Function("f", `const flags = [];\n${body}\n  return flags;`) as (f: FloorFacts) => string[];
}

export interface FloorFacts {
  amountPoisha: number;
  qty: number;
  score: number;
  category: string;
  region: string;
  urgent: boolean;
}

export function fiftyRules(): {
  ours: RuleDraft[];
  theirs: RuleProperties[];
  zen: ReturnType<typeof zenDecision>;
  floor: (f: FloorFacts) => string[];
} {
  const rnd = prng(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const amount = () => money(Math.floor(rnd() * 1_000_000_000));
  const trees: Tree[] = [];
  for (let i = 0; i < 50; i++) {
    switch (i % 5) {
      case 0:
        trees.push({
          all: [
            { fact: "amount", op: "gt", value: amount() },
            { fact: "category", op: "in", value: [pick(CATEGORIES), pick(CATEGORIES)] },
          ],
        });
        break;
      case 1:
        trees.push({
          any: [
            { fact: "qty", op: "lte", value: Math.floor(rnd() * 30) },
            { fact: "urgent", op: "eq", value: true },
          ],
        });
        break;
      case 2: {
        const [low, high] = [amount(), amount()].sort((x, y) => Number(x) - Number(y));
        trees.push({
          all: [
            { fact: "amount", op: "gte", value: low ?? "0.00" },
            { fact: "amount", op: "lte", value: high ?? "0.00" },
            { fact: "region", op: "ne", value: pick(REGIONS) },
          ],
        });
        break;
      }
      case 3:
        trees.push({
          all: [
            { fact: "region", op: "notIn", value: [pick(REGIONS), pick(REGIONS)] },
            { fact: "score", op: "gte", value: Math.round(rnd() * 10000) / 10 },
          ],
        });
        break;
      default:
        trees.push({
          all: [
            {
              any: [
                { fact: "amount", op: "lt", value: amount() },
                { fact: "qty", op: "gt", value: Math.floor(rnd() * 100) },
              ],
            },
            { fact: "category", op: "eq", value: pick(CATEGORIES) },
          ],
        });
    }
  }
  return {
    ours: trees.map((tree, i) => ({
      key: `r${String(i).padStart(2, "0")}`,
      name: `bench rule ${i}`,
      priority: 50 - i,
      status: "active",
      effectiveFrom: "2000-01-01",
      reference: { authority: "internal", section: "bench" },
      when: ours(tree),
      actions: [{ kind: "flag", flag: `r${String(i).padStart(2, "0")}` }],
    })),
    theirs: trees.map((tree, i) => ({
      name: `r${String(i).padStart(2, "0")}`,
      priority: 50 - i,
      conditions: theirs(tree),
      event: { type: `r${String(i).padStart(2, "0")}` },
    })),
    zen: zenDecision(trees),
    floor: handWritten(trees),
  };
}

export interface FactSet {
  ours: Record<string, string | number | boolean>;
  theirs: Record<string, string | number | boolean>;
  floor: FloorFacts;
}

export function randomFacts(count: number, seed = 7): FactSet[] {
  const rnd = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  return Array.from({ length: count }, () => {
    const poisha = Math.floor(rnd() * 1_000_000_000);
    const common = {
      qty: Math.floor(rnd() * 120),
      score: Math.round(rnd() * 10000) / 10,
      category: pick(CATEGORIES),
      region: pick(REGIONS),
      urgent: rnd() < 0.2,
    };
    return {
      ours: { ...common, amount: money(poisha) },
      theirs: { ...common, amount: poisha / 100 },
      floor: { ...common, amountPoisha: poisha },
    };
  });
}
