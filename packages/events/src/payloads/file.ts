import { z } from "zod";
import { v1 } from "./common.ts";

const FileObject = z.looseObject({
  id: z.uuid(),
  name: z.string().min(1),
  contentType: z.string().min(1),
  sizeBytes: z.number().int().min(0),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export const fileObjectEvents = {
  "vextrus.file.object.uploaded": v1(FileObject),
  "vextrus.file.object.deleted": v1(z.looseObject({ id: z.uuid() })),
} as const;
