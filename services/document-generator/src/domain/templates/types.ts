import type { DocumentSummary } from "../../db/schema.ts";
import type { DocumentContext } from "../../deps.ts";
import type { Locale } from "../format.ts";

/** What a template made of the caller's data, before the QR code and the hash are added. */
export interface Prepared {
  /** The document's own number (unique per tenant and template once issued). */
  number: string;
  /** Everything the Typst file shows, formatted for the locale (it receives this as JSON). */
  view: Record<string, unknown>;
  summary: DocumentSummary;
  evaluationIds: string[];
  /** The facts the content hash covers besides template, version, locale and time (data and taxes). */
  basis: unknown;
  /** What the QR code says before the hash: `[number, sellerBin, total]`. */
  qr: string[];
  /** Images the view names by path, mapped into the compiler for this render. */
  assets?: Map<string, Uint8Array>;
}

export interface PrepareInput<Data> {
  ctx: DocumentContext;
  data: Data;
  locale: Locale;
  /** The moment printed on the document (server clock). */
  at: Date;
  /** The document's number: `data.number`, or the series' next one (a placeholder in a preview). */
  number: string;
}

export interface TemplateSpec<Data> {
  name: string;
  /** Raised whenever the Typst source changes; each version keeps its own file. */
  version: number;
  /** The Typst source, under src/templates. */
  file: string;
  prepare(input: PrepareInput<Data>): Promise<Prepared>;
}
