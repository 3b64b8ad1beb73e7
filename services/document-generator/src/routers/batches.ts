import { BatchById, batchDownloadUrl, getBatch, resumeBatch } from "../domain/batches.ts";
import { BatchResult, DownloadLink } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

const read = tenantProcedure.meta({ permission: "document-generator:document:read" });
const issue = tenantProcedure.meta({ permission: "document-generator:document:issue" });

/** `documents.batches.*`: the progress and result of `documents.batch`. */
export const batchesRouter = router({
  /** `{ status: running | paused | completed, total, done, failed, pending, failures, result }`. */
  get: read
    .input(BatchById)
    .output(BatchResult)
    .query(({ ctx, input }) => getBatch({ ctx, input })),
  /** Continues a paused batch with the caller's authority (their token goes to the peers). */
  resume: issue
    .input(BatchById)
    .output(BatchResult)
    .mutation(({ ctx, input }) => resumeBatch({ ctx, input })),
  /** A short-lived link to the ZIP of the batch's issued PDFs (file-storage; also `file-storage:file:read`). */
  downloadUrl: read
    .input(BatchById)
    .output(DownloadLink)
    .query(({ ctx, input }) => batchDownloadUrl({ ctx, input })),
});
