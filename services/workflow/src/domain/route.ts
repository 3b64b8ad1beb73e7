import { toPoisha } from "@vextrus/bd";
import type { ChainLinkSnapshot, Committee, RulesSnapshot } from "../db/schema.ts";
import { precondition } from "./common.ts";
import { count, taka } from "./texts.ts";

/** One step of a route: a single approver from the chain, or an N-of-M committee. */
export type PlannedStep =
  | { step: number; kind: "approver"; required: 1; approvers: [ChainLinkSnapshot] }
  | { step: number; kind: "committee"; committeeName: string; required: number; memberIds: string[] };

export interface RouteInput {
  initiatorId: string;
  /** The initiator's chain, level 0 (the initiator) first, then upward. */
  chain: readonly ChainLinkSnapshot[];
  amount: string;
  rules: Pick<RulesSnapshot, "requiredRank" | "committees">;
  committees: readonly Committee[];
}

/**
 * Plans the approval route: up the chain one person per step until someone of the required rank
 * has signed and the last approver's limit covers the amount, then any committee the rules ask for.
 * Pure: the same answer for `preview` and `start`. Throws PRECONDITION_FAILED when no route exists.
 */
export function planRoute(input: RouteInput): PlannedStep[] {
  const amount = toPoisha(input.amount);
  const steps: PlannedStep[] = [];
  let highestRank = 0;
  let covered = false;
  for (const link of input.chain) {
    if (link.level === 0 || link.userId === input.initiatorId) {
      continue;
    }
    steps.push({ step: steps.length + 1, kind: "approver", required: 1, approvers: [link] });
    highestRank = Math.max(highestRank, link.designation.rank);
    if (highestRank >= input.rules.requiredRank && toPoisha(link.designation.approvalLimit) >= amount) {
      covered = true;
      break;
    }
  }
  if (!covered) {
    const top = input.chain.at(-1);
    const limit = taka(top && top.level > 0 ? top.designation.approvalLimit : "0.00");
    const amountText = taka(input.amount);
    const rank = count(input.rules.requiredRank);
    throw precondition("workflow.route.no_authority", {
      en: `Nobody in the requester's reporting chain has the authority to approve ${amountText.en} (rank ${rank.en} or above with a sufficient approval limit is needed; the top of the chain may approve up to ${limit.en})`,
      bn: `অনুরোধকারীর রিপোর্টিং চেইনে ${amountText.bn} অনুমোদনের ক্ষমতা কারও নেই (পদমর্যাদা ${rank.bn} বা তার বেশি ও যথেষ্ট অনুমোদন সীমা প্রয়োজন; চেইনের শীর্ষে সীমা ${limit.bn})`,
    });
  }
  for (const ask of input.rules.committees) {
    const committee = input.committees.find((c) => c.name === ask.name);
    if (!committee) {
      throw precondition("workflow.route.no_committee", {
        en: `The rules require the ${ask.name} committee (${ask.required} of ${ask.of}), but this process definition names no such committee`,
        bn: `নিয়ম অনুযায়ী ${ask.name} কমিটির (${count(ask.of).bn} জনের মধ্যে ${count(ask.required).bn} জন) অনুমোদন প্রয়োজন, কিন্তু এই প্রক্রিয়ার সংজ্ঞায় এমন কোনো কমিটি নেই`,
      });
    }
    // Nobody approves their own request: a requester who sits on the committee does not vote on it.
    const memberIds = committee.members.filter((id) => id !== input.initiatorId);
    if (memberIds.length < ask.required) {
      throw precondition("workflow.route.committee_too_small", {
        en: `The ${ask.name} committee needs ${ask.required} approvals but only ${memberIds.length} members can vote on this request`,
        bn: `${ask.name} কমিটির ${count(ask.required).bn}টি অনুমোদন প্রয়োজন কিন্তু এই অনুরোধে মাত্র ${count(memberIds.length).bn} জন সদস্য ভোট দিতে পারেন`,
      });
    }
    steps.push({
      step: steps.length + 1,
      kind: "committee",
      committeeName: committee.name,
      required: ask.required,
      memberIds,
    });
  }
  return steps;
}
