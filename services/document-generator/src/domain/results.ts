/**
 * What `documents.*` answers, as zod schemas (statuses from the tables, via drizzle-zod): the
 * procedures declare them with `.output(…)`, so the OpenAPI document describes every result.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { documents } from "../db/schema.ts";

const document = createSelectSchema(documents);
const Sha256 = z.string().describe("lowercase hex SHA-256");

const Summary = z
  .object({
    sellerBin: z.string().optional(),
    buyerBin: z.string().optional(),
    total: z.string().optional().describe("including all taxes, a two-decimal string"),
    parties: z.array(z.string()).optional(),
  })
  .describe("what the document says, for lists and verification without opening the PDF");

export const DocumentResult = z.object({
  id: z.uuid(),
  template: z.string(),
  templateVersion: z.number().int(),
  number: z.string().describe("the document's own number (the invoice number)"),
  locale: z.string(),
  status: document.shape.status,
  sha256: Sha256.describe("of the stored PDF"),
  contentHash: Sha256.describe("of the canonical content: printed in the QR code"),
  sizeBytes: z.number().int(),
  pages: z.number().int(),
  fileId: z.uuid().nullable(),
  summary: Summary,
  evaluationIds: z.array(z.string()).describe("rules-engine evaluations that computed the taxes"),
  issuedAt: z.date(),
  issuedBy: z.uuid(),
  createdAt: z.date(),
  version: z.number().int(),
});
export const DocumentPage = PageSchema(DocumentResult);

export const Rendered = z.object({
  template: z.string(),
  templateVersion: z.number().int(),
  number: z.string(),
  contentType: z.literal("application/pdf"),
  pdf: z.string().describe("the PDF, base64"),
  sizeBytes: z.number().int(),
  pages: z.number().int(),
  sha256: Sha256,
  contentHash: Sha256,
  summary: Summary,
});

export const Pdf = z.object({
  contentType: z.literal("application/pdf"),
  pdf: z.string().describe("the PDF, base64"),
  sha256: Sha256,
});

export const DownloadLink = z.object({ url: z.string().describe("a presigned link"), expiresAt: z.date() });

export const Verified = z.union([
  z.object({ genuine: z.literal(false), matched: z.null(), document: z.null() }),
  z.object({
    genuine: z.literal(true),
    matched: z.enum(["id", "pdf", "content"]).describe("what the id or hash matched"),
    document: DocumentResult,
  }),
]);

export const BatchResult = z.object({
  id: z.uuid(),
  template: z.string(),
  locale: z.string(),
  status: z.enum(["running", "paused", "completed"]),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  failures: z
    .array(
      z.object({
        position: z.number().int(),
        code: z.string(),
        message: z.string(),
        field: z.string().optional(),
      }),
    )
    .describe("the first 100 items that failed"),
  result: z
    .object({ fileId: z.uuid(), sha256: z.string().nullable() })
    .nullable()
    .describe("the ZIP of the issued PDFs, once completed"),
  createdBy: z.uuid(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
});

export const LetterheadResult = z
  .object({
    id: z.uuid(),
    name: z.string(),
    lines: z.array(z.string()),
    logo: z
      .object({ fileId: z.uuid(), sha256: z.string().nullable(), type: z.string().nullable() })
      .nullable(),
    updatedAt: z.date(),
    version: z.number().int(),
  })
  .nullable()
  .describe("null: the tenant has none");

export const TextsResult = z
  .object({
    id: z.uuid(),
    template: z.string(),
    texts: z.object({ bn: z.record(z.string(), z.string()), en: z.record(z.string(), z.string()) }),
    updatedAt: z.date(),
    version: z.number().int(),
  })
  .nullable()
  .describe("null: the template prints its own wording");
