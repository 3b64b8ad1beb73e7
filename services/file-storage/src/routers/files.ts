import { AttachInput, attachFile, detachFile } from "../domain/attachments.ts";
import { collectFiles } from "../domain/collect.ts";
import { ById, Versioned } from "../domain/common.ts";
import {
  archiveFile,
  downloadUrl,
  fileHistory,
  getFile,
  ListFilesInput,
  listFiles,
  SetLegalHoldInput,
  setLegalHold,
} from "../domain/files.ts";
import {
  Collected,
  DownloadLink,
  FileHistory,
  FilePage,
  FileResult,
  UploadCompleted,
  UploadCreated,
} from "../domain/results.ts";
import { CompleteUploadInput, CreateUploadInput, completeUpload, createUpload } from "../domain/uploads.ts";
import { tenantProcedure as fileProcedure } from "../trpc.ts";

const read = fileProcedure.meta({ permission: "file-storage:file:read" });
const upload = fileProcedure.meta({ permission: "file-storage:file:upload" });
const attach = fileProcedure.meta({ permission: "file-storage:file:attach" });

/** `files.*`: flat, as the gateway names them (`files.createUpload`, `files.get`…). */
export const fileProcedures = {
  createUpload: upload
    .input(CreateUploadInput)
    .output(UploadCreated)
    .mutation(({ ctx, input }) => createUpload({ ctx, input })),
  completeUpload: upload
    .input(CompleteUploadInput)
    .output(UploadCompleted)
    .mutation(({ ctx, input }) => completeUpload({ ctx, input })),
  get: read
    .input(ById)
    .output(FileResult)
    .query(({ ctx, input }) => getFile({ ctx, input })),
  downloadUrl: read
    .input(ById)
    .output(DownloadLink)
    .query(({ ctx, input }) => downloadUrl({ ctx, input })),
  list: read
    .input(ListFilesInput)
    .output(FilePage)
    .query(({ ctx, input }) => listFiles({ ctx, input })),
  history: read
    .input(ById)
    .output(FileHistory)
    .query(({ ctx, input }) => fileHistory({ ctx, input })),
  attach: attach
    .input(AttachInput)
    .output(FileResult)
    .mutation(({ ctx, input }) => attachFile({ ctx, input })),
  detach: attach
    .input(AttachInput)
    .output(FileResult)
    .mutation(({ ctx, input }) => detachFile({ ctx, input })),
  archive: fileProcedure
    .meta({ permission: "file-storage:file:archive" })
    .input(Versioned)
    .output(FileResult)
    .mutation(({ ctx, input }) => archiveFile({ ctx, input })),
  setLegalHold: fileProcedure
    .meta({ permission: "file-storage:file:hold" })
    .input(SetLegalHoldInput)
    .output(FileResult)
    .mutation(({ ctx, input }) => setLegalHold({ ctx, input })),
  collect: fileProcedure
    .meta({ permission: "file-storage:file:collect" })
    .output(Collected)
    .mutation(({ ctx }) => collectFiles({ ctx })),
};
