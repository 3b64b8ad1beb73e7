import { fromPoisha } from "@vextrus/bd";
import { z } from "zod";
import { issueMoment, money, percent } from "../format.ts";
import { Counterparty, DocNumber, Officer, Rate, Text } from "../schemas.ts";
import { dmy, IsoDate, OrderLines, orderLines, partyView, Terms, taxBasis } from "./orders.ts";
import type { TemplateSpec } from "./types.ts";

/** A construction work order: the employer engages a contractor for a scope of work on a project. */
export const WorkOrderData = z
  .strictObject({
    /** Omitted when the request names a numbering series (master-data gives it at issue). */
    number: DocNumber.optional(),
    /** The company giving the work (usually the tenant's own). */
    employer: Counterparty,
    contractor: Counterparty,
    project: z.strictObject({ name: Text(200), site: Text(300) }),
    /** What is to be done, in words. */
    scope: Text(2000),
    startDate: IsoDate,
    completionDate: IsoDate,
    /** Bill of quantities: item, unit, quantity, rate. */
    lines: OrderLines,
    /** Security retention held from each bill, percent (0–20). */
    retentionRate: Rate.max(20).optional(),
    terms: Terms,
    officer: Officer,
    banglaDate: z.boolean().optional(),
  })
  .refine((d) => d.completionDate >= d.startDate, {
    message: "must not be before the start date",
    path: ["completionDate"],
    params: { messageBn: "শুরুর তারিখের আগে হতে পারে না" },
  });
export type WorkOrderData = z.output<typeof WorkOrderData>;

export const workOrder: TemplateSpec<WorkOrderData> = {
  name: "work-order",
  version: 3,
  file: "work-order/v3.typ",
  async prepare({ ctx, data, locale, at, number }) {
    const moment = issueMoment(at, locale, data.banglaDate ?? false);
    const priced = await orderLines(ctx, data.lines, moment.ymd, locale);
    // Retention on the contract value with VAT, rounded half up to the poisha.
    const rate100 = BigInt(Math.round((data.retentionRate ?? 0) * 100));
    const retention = (priced.taxes.totals.total * rate100 + 5_000n) / 10_000n;
    return {
      number,
      view: {
        locale,
        title: `Work order ${number}`,
        number,
        date: moment.date,
        time: moment.time,
        banglaDate: moment.banglaDate,
        employer: partyView(data.employer, locale),
        contractor: partyView(data.contractor, locale),
        project: data.project,
        scope: data.scope,
        startDate: dmy(data.startDate, locale),
        completionDate: dmy(data.completionDate, locale),
        ...priced.view,
        retention: data.retentionRate
          ? {
              rate: percent(String(data.retentionRate), locale),
              amount: money(fromPoisha(retention), locale),
            }
          : null,
        terms: data.terms,
        officer: data.officer,
      },
      summary: {
        ...(data.employer.bin ? { buyerBin: data.employer.bin } : {}),
        ...(data.contractor.bin ? { sellerBin: data.contractor.bin } : {}),
        total: priced.total,
        parties: [data.employer.name, data.contractor.name],
      },
      evaluationIds: priced.taxes.evaluationIds,
      basis: {
        data: { ...data, number },
        taxes: taxBasis(priced.taxes),
        retention: fromPoisha(retention),
        issuedAt: moment.iso,
      },
      qr: [number, data.employer.bin ?? "", moment.iso, priced.total],
    };
  },
};
