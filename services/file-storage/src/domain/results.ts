/**
 * What `files.*` answers, as zod schemas (status from the table, via drizzle-zod): the procedures
 * declare them with `.output(…)`, so the OpenAPI document describes every result.
 */
import { PageSchema } from "@vextrus/platform";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { files } from "../db/schema.ts";
import { Entity } from "../upstream/records.ts";

const file = createSelectSchema(files);

/** A file as callers see it (no storage key, no upload id). */
export const FileResult = z.object({
  id: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().describe("bytes"),
  sha256: z.string().describe("lowercase hex"),
  status: file.shape.status,
  lineageId: z.uuid().describe("the first revision's id: every replacement of a file shares it"),
  revision: z.number().int(),
  superseded: z.boolean().describe("a later revision replaced it"),
  legalHold: z.boolean(),
  createdBy: z.uuid(),
  createdAt: z.date(),
  completedAt: z.date().nullable(),
  archivedAt: z.date().nullable(),
  version: z.number().int(),
  attachedTo: z.array(Entity).describe("the records holding the file"),
});
export const FilePage = PageSchema(FileResult);
export const FileHistory = z.array(FileResult).describe("every revision of the file's lineage");

export const UploadCreated = z.object({
  file: FileResult,
  upload: z.object({
    multipart: z.boolean(),
    expiresAt: z.date(),
    parts: z
      .array(
        z.object({
          partNumber: z.number().int(),
          size: z.number().int(),
          url: z.string().describe("PUT the part's bytes here"),
          headers: z.record(z.string(), z.string()).describe("send these headers with the PUT"),
        }),
      )
      .describe("one URL, or one per part (each partSize bytes, the last the rest)"),
  }),
});

export const DownloadLink = z.object({
  url: z.string().describe("a presigned link"),
  expiresAt: z.date(),
});

export const UploadCompleted = FileResult.extend({
  download: DownloadLink.optional().describe("with `download: true`: the file's download link"),
});

export const Collected = z.object({
  collected: z.number().int().describe("files collected"),
  objectsRemoved: z.number().int().describe("stored objects no file shares any more"),
});
