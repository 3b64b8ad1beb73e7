import { type EventInput, type EventType, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";

type JobEvent = Extract<EventType, `vextrus.import_export.${string}`>;

/** Records an event in the caller's transaction: published if and only if it commits. */
export function publish<T extends JobEvent>(
  tx: Tx,
  who: { tenantId: string; actorId: string },
  type: T,
  subject: string,
  data: EventInput<T>,
) {
  return emit(tx, outbox, { type, subject, tenantId: who.tenantId, actorId: who.actorId, data });
}
