import { amountInWords, fromPoisha, toPoisha, VDS_CATEGORIES } from "@vextrus/bd";
import { AppError } from "@vextrus/platform";
import { z } from "zod";
import { bin, digits, issueMoment, money, percent } from "../format.ts";
import { DocNumber, MAX_LINES, Officer, Party, Price, Rate, Text } from "../schemas.ts";
import { apportion, MAX_RATE_PAIRS, poisha } from "../tax-lines.ts";
import type { TemplateSpec } from "./types.ts";

const IsoDate = z.iso.date();

export const Mushak66Line = z.strictObject({
  /** The supplier's Mushak-6.3 invoice the deduction is made on. */
  invoiceNumber: DocNumber,
  invoiceDate: IsoDate,
  /** Value of supply excluding VAT. */
  value: Price,
  /** The supplier's VAT rate, percent (default 15). */
  vatRate: Rate.default(15),
});

/** Mushak-6.6, the certificate of VAT deducted at source (rule 40(1)(ঝ)); VAT and VDS come from the rules. */
export const Mushak66Data = z.strictObject({
  /** Omitted when the request names a numbering series (master-data gives it at issue). */
  number: DocNumber.optional(),
  /** The withholding entity that deducted the VAT. */
  withholder: Party,
  supplier: Party,
  /** What was supplied, as the VDS table names it. */
  category: z.enum(VDS_CATEGORIES),
  lines: z.array(Mushak66Line).min(1).max(MAX_LINES),
  /** The treasury challan the deducted VAT was deposited with. */
  challan: z.strictObject({ number: Text(40), date: IsoDate }).optional(),
  officer: Officer,
  banglaDate: z.boolean().optional(),
});
export type Mushak66Data = z.output<typeof Mushak66Data>;

const dmy = (iso: string, locale: "en" | "bn") => digits(iso.split("-").reverse().join("/"), locale);

export const mushak66: TemplateSpec<Mushak66Data> = {
  name: "mushak-6.6",
  version: 4,
  file: "mushak-6.6/v4.typ",
  async prepare({ ctx, data, locale, at, number }) {
    const moment = issueMoment(at, locale, data.banglaDate ?? false);
    const rates = new Map<number, number[]>();
    data.lines.forEach((line, i) => {
      rates.set(line.vatRate, [...(rates.get(line.vatRate) ?? []), i]);
    });
    if (rates.size > MAX_RATE_PAIRS) {
      throw new AppError(
        "VALIDATION",
        "documents.lines.rate_pairs",
        {
          en: `At most ${MAX_RATE_PAIRS} different VAT rates in one certificate`,
          bn: `একটি প্রত্যয়নপত্রে সর্বোচ্চ ${MAX_RATE_PAIRS}টি ভিন্ন মূসক হার থাকতে পারে`,
        },
        "data.lines",
      );
    }
    const values = data.lines.map((line) => poisha(line.value));
    const vat = values.map(() => 0n);
    const vds = values.map(() => 0n);
    const answers = await Promise.all(
      [...rates].map(async ([vatRate, indexes]) => {
        const weights = indexes.map((i) => values[i] ?? 0n);
        const total = weights.reduce((a, b) => a + b, 0n);
        const answer = await ctx.deps.taxes.vds(
          { value: fromPoisha(total), vatRate: String(vatRate), category: data.category, date: moment.ymd },
          ctx,
        );
        const vatParts = apportion(toPoisha(answer.vat), weights);
        const vdsParts = apportion(toPoisha(answer.vds), weights);
        indexes.forEach((lineIndex, k) => {
          vat[lineIndex] = vatParts[k] ?? 0n;
          vds[lineIndex] = vdsParts[k] ?? 0n;
        });
        return { vatRate, value: fromPoisha(total), ...answer };
      }),
    );
    const sum = (list: bigint[]) => list.reduce((a, b) => a + b, 0n);
    const totalVds = fromPoisha(sum(vds));
    const m = (p: bigint) => money(fromPoisha(p), locale);
    const vdsRates = [...new Set(answers.map((a) => a.vdsRate))];
    return {
      number: number,
      view: {
        locale,
        title: `Mushak-6.6 ${number}`,
        number: number,
        withholder: {
          name: data.withholder.name,
          bin: bin(data.withholder.bin, locale),
          address: data.withholder.address,
        },
        supplier: {
          name: data.supplier.name,
          bin: bin(data.supplier.bin, locale),
          address: data.supplier.address,
        },
        vdsRate: vdsRates.map((r) => percent(String(r), locale)).join(", "),
        date: moment.date,
        time: moment.time,
        banglaDate: moment.banglaDate,
        challan: data.challan ? { number: data.challan.number, date: dmy(data.challan.date, locale) } : null,
        lines: data.lines.map((line, i) => ({
          sl: digits(String(i + 1), locale),
          invoiceNumber: line.invoiceNumber,
          invoiceDate: dmy(line.invoiceDate, locale),
          value: m(values[i] ?? 0n),
          vatRate: percent(String(line.vatRate), locale),
          vat: m(vat[i] ?? 0n),
          vds: m(vds[i] ?? 0n),
        })),
        totals: { value: m(sum(values)), vat: m(sum(vat)), vds: m(sum(vds)) },
        words: { en: amountInWords(totalVds, "en"), bn: amountInWords(totalVds, "bn") },
        officer: data.officer,
      },
      summary: {
        sellerBin: data.supplier.bin,
        buyerBin: data.withholder.bin,
        total: totalVds,
        parties: [data.withholder.name, data.supplier.name],
      },
      evaluationIds: answers.map((a) => a.evaluationId),
      basis: {
        data: { ...data, number },
        taxes: answers.map(({ evaluationId: _id, ...answer }) => answer),
        issuedAt: moment.iso,
      },
      qr: [number, data.withholder.bin, moment.iso, totalVds],
    };
  },
};
