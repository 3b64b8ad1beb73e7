import { fromPoisha, toPoisha } from "@vextrus/bd";
import { AppError } from "@vextrus/platform";
import type { DocumentContext } from "../deps.ts";

export interface PricedLine {
  /** qty × unit price, in poisha (rounded half up). */
  value: bigint;
  sdRate: number;
  vatRate: number;
}

export interface TaxedLine {
  value: bigint;
  sd: bigint;
  vat: bigint;
  total: bigint;
}

export interface TaxResult {
  lines: TaxedLine[];
  totals: { value: bigint; sd: bigint; vat: bigint; total: bigint };
  evaluationIds: string[];
  /** What rules-engine answered, per rate pair (kept in the content hash). */
  groups: { sdRate: number; vatRate: number; value: string; sd: string; vat: string; evaluationId: string }[];
}

/** At most this many distinct (SD, VAT) rate pairs per document: each is one rules-engine evaluation (one call for all). */
export const MAX_RATE_PAIRS = 20;

/** qty (thousandths) × price (poisha) → poisha, half up. */
export const lineValue = (thousandths: bigint, pricePoisha: bigint) =>
  (thousandths * pricePoisha + 500n) / 1000n;

export const thousandths = (quantity: number) => BigInt(Math.round(quantity * 1000));
export const poisha = (amount: string) => toPoisha(amount);

/**
 * Splits `total` over `weights` in proportion, exactly: floors first, then one poisha each to the
 * largest remainders (earlier lines first on ties), so the parts always add up to the total.
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    return weights.map(() => 0n);
  }
  const parts = weights.map((w) => (total * w) / sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, rem: (total * w) % sum }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) {
      break;
    }
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts;
}

/**
 * The taxes of priced lines, from rules-engine's `tax.vat` pack: one evaluation per (SD, VAT) rate
 * pair on that pair's total value (so the totals are exactly what the rules say), each line carrying
 * its share of its pair's SD and VAT in proportion to its value.
 */
export async function taxLines(
  ctx: DocumentContext,
  lines: readonly PricedLine[],
  day: string,
): Promise<TaxResult> {
  const groups = new Map<string, { sdRate: number; vatRate: number; indexes: number[] }>();
  lines.forEach((line, i) => {
    const key = `${line.sdRate}|${line.vatRate}`;
    const group = groups.get(key) ?? { sdRate: line.sdRate, vatRate: line.vatRate, indexes: [] };
    group.indexes.push(i);
    groups.set(key, group);
  });
  if (groups.size > MAX_RATE_PAIRS) {
    throw new AppError(
      "VALIDATION",
      "documents.lines.rate_pairs",
      {
        en: `At most ${MAX_RATE_PAIRS} different SD and VAT rate pairs in one document (found ${groups.size})`,
        bn: `একটি নথিতে সর্বোচ্চ ${MAX_RATE_PAIRS}টি ভিন্ন সম্পূরক শুল্ক ও মূসক হারের জোড়া থাকতে পারে`,
      },
      "data.lines",
    );
  }
  const taxed: TaxedLine[] = lines.map((l) => ({ value: l.value, sd: 0n, vat: 0n, total: l.value }));
  const pairs = [...groups.values()].map((group) => {
    const weights = group.indexes.map((i) => lines[i]?.value ?? 0n);
    return { ...group, weights, value: weights.reduce((a, b) => a + b, 0n) };
  });
  // One call and one transaction in rules-engine for every pair (each still its own evaluation).
  const evaluated = await ctx.deps.taxes.vat(
    pairs.map((pair) => ({
      value: fromPoisha(pair.value),
      sdRate: String(pair.sdRate),
      vatRate: String(pair.vatRate),
      date: day,
    })),
    ctx,
  );
  const answers = pairs.map((pair, p) => {
    const answer = evaluated[p];
    if (!answer) {
      throw new Error(`rules-engine gave no answer for rate pair ${p}`);
    }
    const sd = apportion(toPoisha(answer.sd), pair.weights);
    const vat = apportion(toPoisha(answer.vat), pair.weights);
    pair.indexes.forEach((lineIndex, k) => {
      const line = taxed[lineIndex];
      if (line) {
        line.sd = sd[k] ?? 0n;
        line.vat = vat[k] ?? 0n;
        line.total = line.value + line.sd + line.vat;
      }
    });
    return {
      sdRate: pair.sdRate,
      vatRate: pair.vatRate,
      value: fromPoisha(pair.value),
      sd: answer.sd,
      vat: answer.vat,
      evaluationId: answer.evaluationId,
    };
  });
  const sum = (pick: (l: TaxedLine) => bigint) => taxed.reduce((a, l) => a + pick(l), 0n);
  return {
    lines: taxed,
    totals: {
      value: sum((l) => l.value),
      sd: sum((l) => l.sd),
      vat: sum((l) => l.vat),
      total: sum((l) => l.total),
    },
    evaluationIds: answers.map((a) => a.evaluationId),
    groups: answers,
  };
}
