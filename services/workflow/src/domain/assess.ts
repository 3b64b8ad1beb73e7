import { AppError, type Bilingual, FORBIDDEN_KEYS } from "@vextrus/platform";
import type { ChainLinkSnapshot, RulesSnapshot } from "../db/schema.ts";
import type { WorkflowContext } from "../deps.ts";
import type { Facts } from "../upstream/rules.ts";
import { precondition } from "./common.ts";
import type { Definition } from "./definitions.ts";

export interface Assessment {
  chain: ChainLinkSnapshot[];
  rules: RulesSnapshot;
}

const FACT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const MAX_FACT_TEXT = 200;

/**
 * The facts a rule set sees: the amount (also as `value`, for tax packs) and the scalar fields of
 * `data` that can be facts (names of letters, digits and _, text up to 200 characters).
 */
export function factsFor(amount: string, data: Record<string, unknown>): Facts {
  const facts: Facts = {};
  for (const [key, value] of Object.entries(data)) {
    // A prototype key can only be in data stored before they were refused: never a fact.
    if (!FACT_NAME.test(key) || FORBIDDEN_KEYS.has(key)) {
      continue;
    }
    if (typeof value === "number" || typeof value === "boolean") {
      facts[key] = value;
    } else if (typeof value === "string" && value.length <= MAX_FACT_TEXT) {
      facts[key] = value;
    }
  }
  return { value: amount, ...facts, amount };
}

/**
 * Asks organization for the initiator's chain and the rules engine for each of the definition's rule
 * sets, with the caller's own token. A `block` action stops the request here.
 */
export async function assess(
  ctx: WorkflowContext,
  definition: Definition,
  input: { initiatorId: string; amount: string; data: Record<string, unknown> },
): Promise<Assessment> {
  const facts = factsFor(input.amount, input.data);
  const [chainAnswer, evaluations] = await Promise.all([
    ctx.deps.organization.chainForUser({ userId: input.initiatorId }, ctx).catch((error: unknown) => {
      if (error instanceof AppError && error.kind === "NOT_FOUND") {
        throw precondition("workflow.route.no_membership", {
          en: "The requester has no active membership in the organization, so there is no chain to route through",
          bn: "অনুরোধকারীর প্রতিষ্ঠানে কোনো সক্রিয় সদস্যপদ নেই, তাই অনুমোদনের কোনো চেইন নেই",
        });
      }
      throw error;
    }),
    Promise.all(
      definition.ruleSets.map(async (ruleSet) => ({
        ruleSet,
        evaluation: await ctx.deps.rules.evaluate({ ruleSet, facts }, ctx),
      })),
    ),
  ]);
  const rules: RulesSnapshot = { evaluations: [], outputs: {}, requiredRank: 0, committees: [], flags: [] };
  const blocks: Bilingual[] = [];
  for (const { ruleSet, evaluation } of evaluations) {
    rules.evaluations.push({ ruleSet, evaluationId: evaluation.evaluationId });
    Object.assign(rules.outputs, evaluation.outputs);
    for (const action of evaluation.actions) {
      switch (action.kind) {
        case "require_approval":
          rules.requiredRank = Math.max(rules.requiredRank, action.level);
          break;
        case "require_committee": {
          const known = rules.committees.find((c) => c.name === action.name);
          if (known) {
            known.required = Math.max(known.required, action.required);
            known.of = Math.max(known.of, action.of);
          } else {
            rules.committees.push({ name: action.name, required: action.required, of: action.of });
          }
          break;
        }
        case "flag":
          if (!rules.flags.includes(action.flag)) {
            rules.flags.push(action.flag);
          }
          break;
        case "block":
          blocks.push(action.reason);
          break;
      }
    }
  }
  const block = blocks[0];
  if (block) {
    throw precondition("workflow.rules.blocked", {
      en: `The rules do not allow this request: ${blocks.map((b) => b.en).join("; ")}`,
      bn: `নিয়ম অনুযায়ী এই অনুরোধ অনুমোদনযোগ্য নয়: ${blocks.map((b) => b.bn).join("; ")}`,
    });
  }
  const chain = chainAnswer.chain.map((link) => ({
    level: link.level,
    userId: link.userId,
    designation: link.designation,
  }));
  return { chain, rules };
}
