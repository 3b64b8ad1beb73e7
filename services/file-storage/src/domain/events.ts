import { type EventInput, type EventType, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";
import type { FileRow } from "./common.ts";

type FileEvent = Extract<EventType, `vextrus.file.object.${string}`>;

/** Whose change it is. */
export interface Actor {
  tenantId: string;
  principal: { userId: string };
}

/**
 * Records an event in the verb's transaction (the outbox): published if and only if the
 * transaction commits. Every state change of this service goes through here.
 */
export function publish<T extends FileEvent>(
  tx: Tx,
  actor: Actor,
  type: T,
  fileId: string,
  data: EventInput<T>,
) {
  return emit(tx, outbox, {
    type,
    subject: fileId,
    tenantId: actor.tenantId,
    actorId: actor.principal.userId,
    data,
  });
}

export const fileFacts = (file: FileRow) => ({
  id: file.id,
  name: file.name,
  contentType: file.contentType,
  sizeBytes: file.size,
  sha256: file.sha256,
});

/** A file row as the audit log keeps it (no storage key or upload id). */
export function snapshot(file: FileRow): Record<string, unknown> {
  const { key: _key, uploadId: _uploadId, ...rest } = file;
  return rest;
}
