import { z } from "zod";
import type { DocumentContext } from "../../deps.ts";
import { Locale } from "../schemas.ts";
import { Mushak63Data, mushak63 } from "./mushak-6.3.ts";
import { Mushak66Data, mushak66 } from "./mushak-6.6.ts";
import { PurchaseOrderData, purchaseOrder } from "./purchase-order.ts";
import type { Prepared, TemplateSpec } from "./types.ts";
import { WorkOrderData, workOrder } from "./work-order.ts";

/** Every template by name, at its current version (older versions stay on disk for the record). */
export const TEMPLATES = {
  "mushak-6.3": mushak63,
  "mushak-6.6": mushak66,
  "purchase-order": purchaseOrder,
  "work-order": workOrder,
} as const;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** A company's numbering series in master-data: the document takes its next number when issued. */
export const SeriesRef = z.strictObject({
  companyId: z.uuid(),
  key: z
    .string()
    .trim()
    .min(1)
    .max(30)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, "letters, digits and . _ / -"),
});

const request = <T extends string, D extends z.ZodType>(template: T, data: D) =>
  z.strictObject({
    template: z.literal(template),
    locale: Locale.default("bn"),
    data,
    /** Where the number comes from when `data.number` is not given (master-data's series). */
    series: SeriesRef.optional(),
  });

/**
 * `{ template, locale, data, series? }`: the data is checked against the named template's own schema;
 * the document's number is either `data.number` or the next of `series`, exactly one of them.
 */
export const DocumentRequest = z
  .discriminatedUnion("template", [
    request("mushak-6.3", Mushak63Data),
    request("mushak-6.6", Mushak66Data),
    request("purchase-order", PurchaseOrderData),
    request("work-order", WorkOrderData),
  ])
  .superRefine((value, ctx) => {
    const given = value.data.number !== undefined;
    if (given === (value.series !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: given ? ["series"] : ["data", "number"],
        message: given
          ? "Give either data.number or series, not both"
          : "Give the document's number (data.number) or the numbering series it takes it from (series)",
        params: {
          messageBn: given
            ? "data.number অথবা series — যেকোনো একটি দিন, দুটো নয়"
            : "নথির নম্বর (data.number) অথবা যে নম্বর সিরিজ থেকে তা নেওয়া হবে (series) দিন",
        },
      });
    }
  });
export type DocumentRequest = z.output<typeof DocumentRequest>;

/** Which template (name, version, file) a request uses, and what it made of the data. */
export async function prepareRequest(
  ctx: DocumentContext,
  request: DocumentRequest,
  at: Date,
  number: string,
): Promise<{ spec: TemplateSpec<unknown>; prepared: Prepared }> {
  switch (request.template) {
    case "mushak-6.3":
      return {
        spec: mushak63 as TemplateSpec<unknown>,
        prepared: await mushak63.prepare({ ctx, data: request.data, locale: request.locale, at, number }),
      };
    case "mushak-6.6":
      return {
        spec: mushak66 as TemplateSpec<unknown>,
        prepared: await mushak66.prepare({ ctx, data: request.data, locale: request.locale, at, number }),
      };
    case "purchase-order":
      return {
        spec: purchaseOrder as TemplateSpec<unknown>,
        prepared: await purchaseOrder.prepare({
          ctx,
          data: request.data,
          locale: request.locale,
          at,
          number,
        }),
      };
    case "work-order":
      return {
        spec: workOrder as TemplateSpec<unknown>,
        prepared: await workOrder.prepare({ ctx, data: request.data, locale: request.locale, at, number }),
      };
  }
}
