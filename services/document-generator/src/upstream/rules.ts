import { AppError, type CallContext, type ServiceClient } from "@vextrus/platform";
import { z } from "zod";

/** Two-decimal money as rules-engine answers it. */
const MoneyText = z.string().regex(/^-?\d+\.\d{2}$/);

const VdsEvaluation = z.object({
  evaluationId: z.uuid(),
  outputs: z.object({ vat: MoneyText, vds: MoneyText, vdsRate: z.number() }).loose(),
});

const Evaluations = z.object({
  evaluations: z.array(
    z.object({
      evaluationId: z.uuid(),
      outputs: z.object({ sd: MoneyText, vat: MoneyText, total: MoneyText }).loose(),
    }),
  ),
});

export interface VatQuestion {
  /** Value of supply before taxes, a two-decimal string. */
  value: string;
  /** Percent, as decimal strings ("15", "7.5"). */
  vatRate: string;
  sdRate: string;
  /** The day of supply in Dhaka, `YYYY-MM-DD` (the rates in force that day apply). */
  date: string;
}

export interface VatAnswer {
  evaluationId: string;
  sd: string;
  vat: string;
  total: string;
}

export interface VdsQuestion {
  /** Value of supply before VAT, a two-decimal string. */
  value: string;
  /** The supplier's VAT rate, percent. */
  vatRate: string;
  /** What is supplied, as @vextrus/bd's VDS table names it (`construction`, `consultancy`…). */
  category: string;
  date: string;
}

export interface VdsAnswer {
  evaluationId: string;
  vat: string;
  vds: string;
  /** Percent, as the rules answered it. */
  vdsRate: number;
}

export interface TaxClient {
  /**
   * SD on the value and VAT on value + SD, by the tenant's `tax.vat` rules: one stored evaluation
   * per question, all in one call (`evaluateMany`, one transaction), answered in the same order.
   */
  vat(questions: readonly VatQuestion[], call: CallContext): Promise<VatAnswer[]>;
  /** The VAT a withholding entity deducts at source, by the same rules. */
  vds(question: VdsQuestion, call: CallContext): Promise<VdsAnswer>;
}

/**
 * rules-engine's `evaluate` (`evaluateMany`) of the `tax.vat` pack (a mutation: each evaluation is
 * stored there and replayable); needs the caller's `rules:evaluation:run`. Amounts are never taken from the caller.
 */
export function taxClient(rules: ServiceClient): TaxClient {
  return {
    async vds(question, call) {
      try {
        const answer = await rules.mutation(
          "evaluate",
          {
            ruleSet: "tax.vat",
            facts: {
              value: question.value,
              vatRate: Number(question.vatRate),
              vdsCategory: question.category,
              date: question.date,
            },
          },
          VdsEvaluation,
          call,
        );
        return {
          evaluationId: answer.evaluationId,
          vat: answer.outputs.vat,
          vds: answer.outputs.vds,
          vdsRate: answer.outputs.vdsRate,
        };
      } catch (error) {
        throw refusal(error);
      }
    },
    async vat(questions, call) {
      try {
        const answer = await rules.mutation(
          "evaluateMany",
          {
            ruleSet: "tax.vat",
            factSets: questions.map((question) => ({
              value: question.value,
              vatRate: Number(question.vatRate),
              sdRate: Number(question.sdRate),
              date: question.date,
            })),
          },
          Evaluations,
          call,
        );
        if (answer.evaluations.length !== questions.length) {
          throw new Error(
            `rules-engine answered ${answer.evaluations.length} of ${questions.length} evaluations`,
          );
        }
        return answer.evaluations.map((e) => ({ evaluationId: e.evaluationId, ...e.outputs }));
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}

/** rules-engine's refusals as this service words them: no rules installed, or rates it refuses. */
function refusal(error: unknown): unknown {
  if (error instanceof AppError && error.kind === "NOT_FOUND") {
    return new AppError("PRECONDITION_FAILED", "documents.taxes.no_rules", {
      en: "The tenant has no tax.vat rules installed in rules-engine (rules.packs.install)",
      bn: "প্রতিষ্ঠানের rules-engine-এ tax.vat নিয়ম নেই (rules.packs.install)",
    });
  }
  if (error instanceof AppError && error.kind === "VALIDATION") {
    return new AppError(
      "VALIDATION",
      "documents.taxes.refused",
      { en: `Tax rates refused: ${error.text.en}`, bn: `করের হার গ্রহণযোগ্য নয়: ${error.text.bn}` },
      "data.lines",
    );
  }
  return error;
}
