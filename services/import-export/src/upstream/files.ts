import { AppError, type CallContext, type ServiceClient } from "@vextrus/platform";
import { z } from "zod";

const Url = z.object({ url: z.string().min(1) });
const FileMeta = z.looseObject({
  id: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  status: z.string(),
});
const Granted = z.looseObject({
  file: z.looseObject({ id: z.uuid() }),
  upload: z.looseObject({
    parts: z.array(
      z.looseObject({
        partNumber: z.number().int(),
        size: z.number().int(),
        url: z.string().min(1),
        headers: z.record(z.string(), z.string()).optional(),
      }),
    ),
  }),
});

const UNREADABLE = {
  en: "The file could not be read from file storage",
  bn: "ফাইল স্টোরেজ থেকে ফাইলটি পড়া যায়নি",
};

const UNWRITABLE = {
  en: "The file could not be written to file storage",
  bn: "ফাইল স্টোরেজে ফাইলটি লেখা যায়নি",
};

/** file-storage, as this service uses it: read a file's bytes, keep a new file. */
export function filesApi(client: ServiceClient) {
  return {
    get: (id: string, call: CallContext) => client.query("get", { id }, FileMeta, call),
    /** The file's bytes as a stream (a presigned GET, never buffered whole). */
    async open(id: string, call: CallContext): Promise<ReadableStream<Uint8Array>> {
      const { url } = await client.query("downloadUrl", { id }, Url, call);
      const response = await fetch(url).catch(() => undefined);
      if (!response?.ok || !response.body) {
        await response?.body?.cancel();
        throw new AppError("UNAVAILABLE", "import_export.file.unreadable", UNREADABLE);
      }
      return response.body;
    },
    /**
     * A file written to disk first (`path`, its size and SHA-256 known) kept in file storage: granted,
     * PUT part by part from the disk (presigned), then completed (file-storage verifies it).
     */
    async keep(
      path: string,
      meta: { fileName: string; contentType: string; size: number; sha256: string },
      call: CallContext,
    ) {
      const granted = await client.mutation("createUpload", meta, Granted, call);
      let offset = 0;
      for (const part of granted.upload.parts) {
        const body = Bun.file(path).slice(offset, offset + part.size);
        offset += part.size;
        const response = await fetch(part.url, { method: "PUT", headers: part.headers ?? {}, body }).catch(
          () => undefined,
        );
        await response?.body?.cancel();
        if (!response?.ok) {
          throw new AppError("UNAVAILABLE", "import_export.file.unwritable", UNWRITABLE);
        }
      }
      return client.mutation("completeUpload", { fileId: granted.file.id }, FileMeta, call);
    },
    downloadUrl: (id: string, call: CallContext) => client.query("downloadUrl", { id }, Url, call),
  };
}

export type FilesApi = ReturnType<typeof filesApi>;
