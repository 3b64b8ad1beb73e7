import { SendDocumentsInput, sendDocuments } from "../domain/messages.ts";
import { DocumentsSent } from "../domain/results.ts";
import { router, tenantProcedure } from "../trpc.ts";

/** Messages a user sends: files and issued documents as e-mail attachments. */
export const messagesRouter = router({
  /** Also needs read access to each attachment (`file-storage:file:read`, `document-generator:document:read`). */
  sendDocuments: tenantProcedure
    .meta({ permission: "notification:message:send" })
    .input(SendDocumentsInput)
    .output(DocumentsSent)
    .mutation(({ ctx, input }) => sendDocuments({ ctx, input })),
});
