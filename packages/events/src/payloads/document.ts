import { z } from "zod";
import { Changed, Created, v1 } from "./common.ts";

export const documentTemplateEvents = {
  "vextrus.document.template.created": v1(Created),
  "vextrus.document.template.updated": v1(Changed),
} as const;

export const documentRenderEvents = {
  "vextrus.document.render.completed": v1(
    z.looseObject({
      id: z.uuid(),
      templateId: z.uuid(),
      fileId: z.uuid(),
      format: z.enum(["pdf", "docx", "xlsx"]),
    }),
  ),
  "vextrus.document.render.failed": v1(
    z.looseObject({ id: z.uuid(), templateId: z.uuid(), error: z.string().max(1000) }),
  ),
} as const;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** A document was issued: its PDF is stored in file storage and will never change. */
export const documentDocumentEvents = {
  "vextrus.document.document.issued": v1(
    z.looseObject({
      id: z.uuid(),
      template: z.string().min(1),
      templateVersion: z.number().int().min(1),
      number: z.string().min(1),
      locale: z.enum(["en", "bn"]),
      fileId: z.uuid(),
      sha256: Sha256,
      contentHash: Sha256,
      sizeBytes: z.number().int().min(1),
      pages: z.number().int().min(1),
    }),
  ),
} as const;

const BatchCounts = {
  id: z.uuid(),
  template: z.string().min(1),
  total: z.number().int().min(1),
};

/** A batch of documents issued as one job (`documents.batch`): started, then completed. */
export const documentBatchEvents = {
  "vextrus.document.batch.started": v1(z.looseObject(BatchCounts)),
  "vextrus.document.batch.completed": v1(
    z.looseObject({
      ...BatchCounts,
      done: z.number().int().min(0),
      failed: z.number().int().min(0),
      fileId: z.uuid().nullable(),
    }),
  ),
} as const;
