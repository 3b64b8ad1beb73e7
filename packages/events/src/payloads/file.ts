import { z } from "zod";
import { Changed, v1 } from "./common.ts";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const FileObject = z.looseObject({
  id: z.uuid(),
  name: z.string().min(1),
  contentType: z.string().min(1),
  sizeBytes: z.number().int().min(0),
  sha256: Sha256.optional(),
});

/** The record a file is attached to, named as the gateway names its service. */
const Entity = z.looseObject({ service: z.string().min(1), type: z.string().min(1), id: z.uuid() });

export const fileObjectEvents = {
  /** An upload was granted: a pending file whose bytes are on their way. */
  "vextrus.file.object.upload_started": v1(FileObject),
  /** The bytes arrived and were verified (size, SHA-256, content type); `deduplicated` when stored once already. */
  "vextrus.file.object.uploaded": v1(
    FileObject.extend({ deduplicated: z.boolean().optional(), revision: z.number().int().min(1).optional() }),
  ),
  "vextrus.file.object.attached": v1(z.looseObject({ id: z.uuid(), entity: Entity })),
  "vextrus.file.object.detached": v1(z.looseObject({ id: z.uuid(), entity: Entity })),
  "vextrus.file.object.archived": v1(Changed),
  "vextrus.file.object.legal_hold_set": v1(Changed),
  "vextrus.file.object.legal_hold_released": v1(Changed),
  /** Removed by the collector: an upload never completed, or a file nothing held past the grace period. */
  "vextrus.file.object.collected": v1(
    z.looseObject({
      id: z.uuid(),
      reason: z.enum(["upload_expired", "unattached", "archived"]),
      /** Whether the bytes went too (false while another file still shares them). */
      objectRemoved: z.boolean(),
    }),
  ),
} as const;
