import { describe, expect, test } from "bun:test";
import { toPoisha as poisha } from "@vextrus/bd";
import { AppError } from "@vextrus/platform";
import fc from "fast-check";
import type { ChainLinkSnapshot } from "../src/db/schema.ts";
import { factsFor } from "../src/domain/assess.ts";
import { planRoute } from "../src/domain/route.ts";

const link = (level: number, rank: number, approvalLimit: string): ChainLinkSnapshot => ({
  level,
  userId: `00000000-0000-7000-8000-${String(level).padStart(12, "0")}`,
  designation: { id: `d${level}`, name: `rank ${rank}`, nameBn: null, rank, approvalLimit },
});

const chain = [
  link(0, 1, "0.00"),
  link(1, 2, "500000.00"),
  link(2, 3, "5000000.00"),
  link(3, 4, "50000000.00"),
];
const initiatorId = chain[0]?.userId ?? "";
const noRules = { requiredRank: 0, committees: [] };

describe("planRoute (pure)", () => {
  test("the issue's example: 7,50,000 → PM then director", () => {
    const steps = planRoute({ initiatorId, chain, amount: "750000.00", rules: noRules, committees: [] });
    expect(steps.map((s) => (s.kind === "approver" ? s.approvers[0].level : -1))).toEqual([1, 2]);
  });

  test("a required rank above the covering limit still climbs to that rank", () => {
    const steps = planRoute({
      initiatorId,
      chain,
      amount: "100.00",
      rules: { requiredRank: 4, committees: [] },
      committees: [],
    });
    expect(steps.length).toBe(3);
  });

  test("a committee the definition does not name, or one too small, is PRECONDITION_FAILED", () => {
    const rules = { requiredRank: 0, committees: [{ name: "board", required: 2, of: 3 }] };
    const missing = () => planRoute({ initiatorId, chain, amount: "1.00", rules, committees: [] });
    expect(missing).toThrow(AppError);
    const small = () =>
      planRoute({
        initiatorId,
        chain,
        amount: "1.00",
        rules,
        committees: [{ name: "board", members: [initiatorId] }],
      });
    expect(small).toThrow(/only 0 members/);
  });

  test("the requester never appears in their own route (committee seats included)", () => {
    const members = [initiatorId, "m1", "m2", "m3"];
    const steps = planRoute({
      initiatorId,
      chain,
      amount: "1.00",
      rules: { requiredRank: 0, committees: [{ name: "board", required: 2, of: 3 }] },
      committees: [{ name: "board", members }],
    });
    const committee = steps.at(-1);
    expect(committee?.kind === "committee" ? committee.memberIds : []).toEqual(["m1", "m2", "m3"]);
  });

  test("property: any route found ends with an approver whose limit covers the amount at the required rank", () => {
    const arbChain = fc.array(
      fc.record({
        rank: fc.integer({ min: 1, max: 6 }),
        limit: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        arbChain,
        fc.bigInt({ min: 1n, max: 10_000_000_000n }),
        fc.integer({ min: 0, max: 6 }),
        (links, amountPoisha, requiredRank) => {
          const snapshot = [link(0, 1, "0.00"), ...links.map((l, i) => link(i + 1, l.rank, fmt(l.limit)))];
          const amount = fmt(amountPoisha);
          let steps: ReturnType<typeof planRoute>;
          try {
            steps = planRoute({
              initiatorId,
              chain: snapshot,
              amount,
              rules: { requiredRank, committees: [] },
              committees: [],
            });
          } catch (error) {
            // No route: then nobody in the whole chain satisfied both conditions at once.
            expect(error).toBeInstanceOf(AppError);
            const reachable = snapshot.slice(1).some((l, i) => {
              const maxRank = Math.max(...snapshot.slice(1, i + 2).map((x) => x.designation.rank));
              return maxRank >= requiredRank && poisha(l.designation.approvalLimit) >= amountPoisha;
            });
            expect(reachable).toBe(false);
            return;
          }
          const last = steps.at(-1);
          expect(last?.kind).toBe("approver");
          if (last?.kind === "approver") {
            expect(poisha(last.approvers[0].designation.approvalLimit) >= amountPoisha).toBe(true);
          }
          const ranks = steps.flatMap((s) =>
            s.kind === "approver" ? [s.approvers[0].designation.rank] : [],
          );
          expect(Math.max(...ranks)).toBeGreaterThanOrEqual(requiredRank);
          expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i + 1));
          expect(steps.some((s) => s.kind === "approver" && s.approvers[0].level === 0)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function fmt(p: bigint): string {
  return `${p / 100n}.${String(p % 100n).padStart(2, "0")}`;
}

describe("facts for the rules", () => {
  test("scalar fields of data become facts; prototype keys (stored before they were refused) never do", () => {
    const data = JSON.parse(
      '{"vendor":"BSRM","constructor":"x","prototype":1,"__proto__":true,"nested":{"a":1}}',
    );
    expect(factsFor("1000.00", data)).toEqual({ value: "1000.00", vendor: "BSRM", amount: "1000.00" });
  });
});
