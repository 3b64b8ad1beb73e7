import { BatchInput, createBatch } from "../domain/batches.ts";
import {
  ById,
  documentPdf,
  downloadUrl,
  getDocument,
  issueDocument,
  ListInput,
  listDocuments,
  renderDocument,
  VerifyInput,
  verifyDocument,
} from "../domain/documents.ts";
import {
  BatchResult,
  DocumentPage,
  DocumentResult,
  DownloadLink,
  Pdf,
  Rendered,
  Verified,
} from "../domain/results.ts";
import { DocumentRequest } from "../domain/templates/index.ts";
import { tenantProcedure } from "../trpc.ts";

const read = tenantProcedure.meta({ permission: "document-generator:document:read" });

/** `documents.*`, as the gateway names them (`documents.render`, `documents.issue`…). */
export const documentProcedures = {
  /** A preview PDF; nothing stored. Also needs `rules:evaluation:run` (taxes). */
  render: tenantProcedure
    .meta({ permission: "document-generator:document:render" })
    .input(DocumentRequest)
    .output(Rendered)
    .mutation(({ ctx, input }) => renderDocument({ ctx, input })),
  /** Renders, stores in file-storage, records; also needs `rules:evaluation:run` and `file-storage:file:upload`. */
  issue: tenantProcedure
    .meta({ permission: "document-generator:document:issue" })
    .input(DocumentRequest)
    .output(DocumentResult)
    .mutation(({ ctx, input }) => issueDocument({ ctx, input })),
  /** Many documents of one template as a job: `documents.batches.get` shows its progress. */
  batch: tenantProcedure
    .meta({ permission: "document-generator:document:issue" })
    .input(BatchInput)
    .output(BatchResult)
    .mutation(({ ctx, input }) => createBatch({ ctx, input })),
  get: read
    .input(ById)
    .output(DocumentResult)
    .query(({ ctx, input }) => getDocument({ ctx, input })),
  list: read
    .input(ListInput)
    .output(DocumentPage)
    .query(({ ctx, input }) => listDocuments({ ctx, input })),
  /** A short-lived link to the issued PDF (file-storage; also `file-storage:file:read`). */
  downloadUrl: read
    .input(ById)
    .output(DownloadLink)
    .query(({ ctx, input }) => downloadUrl({ ctx, input })),
  /** The issued PDF's bytes, checked against the SHA-256 recorded at issue. */
  pdf: read
    .input(ById)
    .output(Pdf)
    .query(({ ctx, input }) => documentPdf({ ctx, input })),
  /** Whether a copy is genuine (by id, the PDF's SHA-256 or the QR code's content hash). */
  verify: read
    .input(VerifyInput)
    .output(Verified)
    .query(({ ctx, input }) => verifyDocument({ ctx, input })),
};
