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

export function fiftyRules(): { ours: RuleDraft[]; theirs: RuleProperties[] } {
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
  };
}

export interface FactSet {
  ours: Record<string, string | number | boolean>;
  theirs: Record<string, string | number | boolean>;
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
    return { ours: { ...common, amount: money(poisha) }, theirs: { ...common, amount: poisha / 100 } };
  });
}
