import type { RuleDraft } from "../engine/model.ts";
import { PACK_EFFECTIVE_FROM, type Pack } from "./types.ts";

const reference = {
  authority: "internal",
  section: "Delegation of financial authority: purchase approval bands",
} as const;

const level = (
  key: string,
  name: string,
  above: string | null,
  approvalLevel: number,
  priority: number,
): RuleDraft => ({
  key,
  name,
  priority,
  status: "active",
  effectiveFrom: PACK_EFFECTIVE_FROM,
  reference,
  when:
    above === null
      ? { fact: "amount", op: "gte", value: "0.00" }
      : { fact: "amount", op: "gt", value: above },
  actions: [
    { kind: "require_approval", level: approvalLevel },
    { kind: "set", output: "approvalLevel", value: approvalLevel },
  ],
});

/**
 * Amount bands → approval levels, cumulative (the highest level any matching rule requires):
 * up to 50,000 one level; up to 5,00,000 two; up to 50,00,000 three; above that three plus a
 * 2-of-3 board step. Money compares exactly: 50,000.00 is one level, 50,000.01 two.
 */
export const purchaseApprovalPack: Pack = {
  key: "purchase.approval",
  name: "Purchase approval",
  facts: {
    amount: { type: "money", description: "Requisition amount in BDT" },
    category: { type: "string", description: "Purchase category, e.g. construction, land, vehicle" },
  },
  rules: [
    level("approval.level1", "Every purchase needs one approval", null, 1, 40),
    level("approval.level2", "Above 50,000 BDT: two levels", "50000.00", 2, 30),
    level("approval.level3", "Above 5,00,000 BDT: three levels", "500000.00", 3, 20),
    {
      key: "approval.board",
      name: "Above 50,00,000 BDT: board approval, 2 of 3",
      priority: 10,
      status: "active",
      effectiveFrom: PACK_EFFECTIVE_FROM,
      reference,
      when: { fact: "amount", op: "gt", value: "5000000.00" },
      actions: [
        { kind: "require_approval", level: 3 },
        { kind: "require_committee", name: "board", required: 2, of: 3 },
      ],
    },
    {
      key: "approval.capital",
      name: "Land and vehicles are capital purchases",
      priority: 5,
      status: "active",
      effectiveFrom: PACK_EFFECTIVE_FROM,
      reference,
      when: { fact: "category", op: "in", value: ["land", "vehicle"] },
      actions: [{ kind: "flag", flag: "capital_purchase" }],
    },
  ],
};
