import { amountInWords, fromPoisha } from "@vextrus/bd";
import { z } from "zod";
import { bin, digits, issueMoment, money, percent, quantity } from "../format.ts";
import { DocNumber, MAX_LINES, Officer, Party, Price, Quantity, Rate, Text } from "../schemas.ts";
import { lineValue, poisha, taxLines, thousandths } from "../tax-lines.ts";
import type { TemplateSpec } from "./types.ts";

/** Labels a tenant may reword on its invoices (plain text; the Typst file has the defaults). */
export const MUSHAK63_LABELS = [
  "title",
  "seller",
  "address",
  "buyer",
  "destination",
  "vehicle",
  "officer",
  "designation",
  "total",
  "in-words",
] as const;

export const Mushak63Line = z.strictObject({
  description: Text(300),
  unit: Text(30),
  quantity: Quantity,
  /** Unit price excluding all taxes. */
  unitPrice: Price,
  /** Supplementary duty, percent (default 0). */
  sdRate: Rate.default(0),
  /** VAT, percent (default the standard 15). */
  vatRate: Rate.default(15),
});

/** Everything Mushak-6.3 asks for (VAT and SD Rules 2016, rule 40); taxes are computed, never given. */
export const Mushak63Data = z.strictObject({
  /** Omitted when the request names a numbering series (master-data gives it at issue). */
  number: DocNumber.optional(),
  seller: Party,
  buyer: Party,
  destination: Text(300),
  vehicle: z.strictObject({ type: Text(60), number: Text(40) }).optional(),
  lines: z.array(Mushak63Line).min(1).max(MAX_LINES),
  officer: Officer,
  /** Show the Bangla calendar date beside the Gregorian one. */
  banglaDate: z.boolean().optional(),
  texts: z.partialRecord(z.enum(MUSHAK63_LABELS), Text(200)).optional(),
});
export type Mushak63Data = z.output<typeof Mushak63Data>;

export const mushak63: TemplateSpec<Mushak63Data> = {
  name: "mushak-6.3",
  version: 2,
  file: "mushak-6.3/v2.typ",
  async prepare({ ctx, data, locale, at, number }) {
    const moment = issueMoment(at, locale, data.banglaDate ?? false);
    const priced = data.lines.map((line) => ({
      value: lineValue(thousandths(line.quantity), poisha(line.unitPrice)),
      sdRate: line.sdRate,
      vatRate: line.vatRate,
    }));
    const taxes = await taxLines(ctx, priced, moment.ymd);
    const m = (p: bigint) => money(fromPoisha(p), locale);
    const total = fromPoisha(taxes.totals.total);
    const view = {
      locale,
      title: `Mushak-6.3 ${number}`,
      number: number,
      seller: { name: data.seller.name, bin: bin(data.seller.bin, locale), address: data.seller.address },
      buyer: { name: data.buyer.name, bin: bin(data.buyer.bin, locale), address: data.buyer.address },
      destination: data.destination,
      vehicle: data.vehicle ? `${data.vehicle.type}, ${data.vehicle.number}` : null,
      date: moment.date,
      time: moment.time,
      banglaDate: moment.banglaDate,
      lines: data.lines.map((line, i) => {
        const t = taxes.lines[i] ?? { value: 0n, sd: 0n, vat: 0n, total: 0n };
        return {
          sl: digits(String(i + 1), locale),
          description: line.description,
          unit: line.unit,
          quantity: quantity(thousandths(line.quantity), locale),
          unitPrice: money(line.unitPrice, locale),
          value: m(t.value),
          sdRate: percent(String(line.sdRate), locale),
          sd: m(t.sd),
          vatRate: percent(String(line.vatRate), locale),
          vat: m(t.vat),
          total: m(t.total),
        };
      }),
      totals: {
        value: m(taxes.totals.value),
        sd: m(taxes.totals.sd),
        vat: m(taxes.totals.vat),
        total: m(taxes.totals.total),
      },
      words: { en: amountInWords(total, "en"), bn: amountInWords(total, "bn") },
      officer: data.officer,
      texts: data.texts ?? {},
    };
    return {
      number: number,
      view,
      summary: {
        sellerBin: data.seller.bin,
        buyerBin: data.buyer.bin,
        total,
        parties: [data.seller.name, data.buyer.name],
      },
      evaluationIds: taxes.evaluationIds,
      // The rules' answers, not their evaluation ids (random; kept on the record): the same content,
      // the same hash.
      basis: {
        data: { ...data, number },
        taxes: taxes.groups.map(({ evaluationId: _id, ...group }) => group),
        issuedAt: moment.iso,
      },
      qr: [number, data.seller.bin, moment.iso, total],
    };
  },
};
