import { z } from "zod";
import type { DocumentContext } from "../../deps.ts";
import { Locale } from "../schemas.ts";
import { Mushak63Data, mushak63 } from "./mushak-6.3.ts";
import { Mushak66Data, mushak66 } from "./mushak-6.6.ts";
import type { Prepared, TemplateSpec } from "./types.ts";

/** Every template by name, at its current version (older versions stay on disk for the record). */
export const TEMPLATES = {
  "mushak-6.3": mushak63,
  "mushak-6.6": mushak66,
} as const;

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** `{ template, locale, data }`: the data is checked against the named template's own schema. */
export const DocumentRequest = z.discriminatedUnion("template", [
  z.strictObject({ template: z.literal("mushak-6.3"), locale: Locale.default("bn"), data: Mushak63Data }),
  z.strictObject({ template: z.literal("mushak-6.6"), locale: Locale.default("bn"), data: Mushak66Data }),
]);
export type DocumentRequest = z.output<typeof DocumentRequest>;

/** Which template (name, version, file) a request uses, and what it made of the data. */
export async function prepareRequest(
  ctx: DocumentContext,
  request: DocumentRequest,
  at: Date,
): Promise<{ spec: TemplateSpec<unknown>; prepared: Prepared }> {
  switch (request.template) {
    case "mushak-6.3":
      return {
        spec: mushak63 as TemplateSpec<unknown>,
        prepared: await mushak63.prepare({ ctx, data: request.data, locale: request.locale, at }),
      };
    case "mushak-6.6":
      return {
        spec: mushak66 as TemplateSpec<unknown>,
        prepared: await mushak66.prepare({ ctx, data: request.data, locale: request.locale, at }),
      };
  }
}
