import { amountInWords, fromPoisha } from "@vextrus/bd";
import { z } from "zod";
import type { DocumentContext } from "../../deps.ts";
import { bin, digits, type Locale, money, percent, quantity } from "../format.ts";
import { type Counterparty, MAX_LINES, Price, Quantity, Rate, Text } from "../schemas.ts";
import { lineValue, poisha, type TaxResult, taxLines, thousandths } from "../tax-lines.ts";

/** A line of an order: what, how much, at what price (excluding VAT); VAT comes from the rules. */
export const OrderLine = z.strictObject({
  description: Text(300),
  unit: Text(30),
  quantity: Quantity,
  /** Unit price (rate) excluding VAT. */
  unitPrice: Price,
  /** VAT, percent (default the standard 15). */
  vatRate: Rate.default(15),
});
export type OrderLine = z.output<typeof OrderLine>;

export const OrderLines = z.array(OrderLine).min(1).max(MAX_LINES);
/** Conditions printed as a numbered list (delivery, payment, warranty…). */
export const Terms = z.array(Text(500)).max(30).default([]);
export const IsoDate = z.iso.date();

/** A party as printed: its BIN, when it has one, in the locale's digits. */
export const partyView = (party: z.output<typeof Counterparty>, locale: Locale) => ({
  name: party.name,
  bin: party.bin ? bin(party.bin, locale) : null,
  address: party.address,
});

/** `2026-12-20` as printed: `20/12/2026`, in the locale's digits. */
export const dmy = (iso: string, locale: Locale) => digits(iso.split("-").reverse().join("/"), locale);

/** The priced lines with the rules' VAT, formatted; totals and the total in words. */
export async function orderLines(
  ctx: DocumentContext,
  lines: readonly OrderLine[],
  day: string,
  locale: Locale,
) {
  const taxes: TaxResult = await taxLines(
    ctx,
    lines.map((line) => ({
      value: lineValue(thousandths(line.quantity), poisha(line.unitPrice)),
      sdRate: 0,
      vatRate: line.vatRate,
    })),
    day,
  );
  const m = (p: bigint) => money(fromPoisha(p), locale);
  const total = fromPoisha(taxes.totals.total);
  return {
    taxes,
    total,
    view: {
      lines: lines.map((line, i) => {
        const t = taxes.lines[i] ?? { value: 0n, sd: 0n, vat: 0n, total: 0n };
        return {
          sl: digits(String(i + 1), locale),
          description: line.description,
          unit: line.unit,
          quantity: quantity(thousandths(line.quantity), locale),
          unitPrice: money(line.unitPrice, locale),
          value: m(t.value),
          vatRate: percent(String(line.vatRate), locale),
          vat: m(t.vat),
          total: m(t.total),
        };
      }),
      totals: { value: m(taxes.totals.value), vat: m(taxes.totals.vat), total: m(taxes.totals.total) },
      words: { en: amountInWords(total, "en"), bn: amountInWords(total, "bn") },
    },
  };
}

/** The rules' answers without their random evaluation ids (what the content hash covers). */
export const taxBasis = (taxes: TaxResult) => taxes.groups.map(({ evaluationId: _id, ...group }) => group);
