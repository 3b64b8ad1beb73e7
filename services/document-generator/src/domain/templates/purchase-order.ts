import { z } from "zod";
import { issueMoment } from "../format.ts";
import { Counterparty, DocNumber, Officer, Text } from "../schemas.ts";
import { dmy, IsoDate, OrderLines, orderLines, partyView, Terms, taxBasis } from "./orders.ts";
import type { TemplateSpec } from "./types.ts";

/** A purchase order: who buys what from whom, delivered where and by when, on what terms. */
export const PurchaseOrderData = z.strictObject({
  /** Omitted when the request names a numbering series (master-data gives it at issue). */
  number: DocNumber.optional(),
  /** The company ordering (usually the tenant's own). */
  buyer: Counterparty,
  supplier: Counterparty,
  /** Where the goods go (a project site). */
  deliverTo: Text(300),
  deliveryDate: IsoDate,
  /** The project or cost centre the order is for, as printed. */
  project: Text(200).optional(),
  /** The supplier's quotation or the requisition the order answers. */
  reference: Text(100).optional(),
  paymentTerms: Text(300).optional(),
  lines: OrderLines,
  terms: Terms,
  officer: Officer,
  banglaDate: z.boolean().optional(),
});
export type PurchaseOrderData = z.output<typeof PurchaseOrderData>;

export const purchaseOrder: TemplateSpec<PurchaseOrderData> = {
  name: "purchase-order",
  version: 3,
  file: "purchase-order/v3.typ",
  async prepare({ ctx, data, locale, at, number }) {
    const moment = issueMoment(at, locale, data.banglaDate ?? false);
    const priced = await orderLines(ctx, data.lines, moment.ymd, locale);
    return {
      number,
      view: {
        locale,
        title: `Purchase order ${number}`,
        number,
        date: moment.date,
        time: moment.time,
        banglaDate: moment.banglaDate,
        buyer: partyView(data.buyer, locale),
        supplier: partyView(data.supplier, locale),
        deliverTo: data.deliverTo,
        deliveryDate: dmy(data.deliveryDate, locale),
        project: data.project ?? null,
        reference: data.reference ?? null,
        paymentTerms: data.paymentTerms ?? null,
        ...priced.view,
        terms: data.terms,
        officer: data.officer,
      },
      summary: {
        ...(data.buyer.bin ? { buyerBin: data.buyer.bin } : {}),
        ...(data.supplier.bin ? { sellerBin: data.supplier.bin } : {}),
        total: priced.total,
        parties: [data.buyer.name, data.supplier.name],
      },
      evaluationIds: priced.taxes.evaluationIds,
      basis: { data: { ...data, number }, taxes: taxBasis(priced.taxes), issuedAt: moment.iso },
      qr: [number, data.buyer.bin ?? "", moment.iso, priced.total],
    };
  },
};
