import { type EventInput, type EventType, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";
import type { MdContext } from "../deps.ts";

type MasterDataEvent = Extract<EventType, `vextrus.master_data.${string}`>;
type Lifecycle = "updated" | "archived" | "restored";

/**
 * Records an event in the verb's transaction (the outbox): published if and only if the transaction
 * commits. Every state change of this service goes through here.
 */
export function publish<T extends MasterDataEvent>(
  tx: Tx,
  ctx: MdContext,
  type: T,
  subject: string,
  data: EventInput<T>,
) {
  return emit(tx, outbox, { type, subject, tenantId: ctx.tenantId, actorId: ctx.principal.userId, data });
}

export function publishCreated<Row extends { id: string }>(
  tx: Tx,
  ctx: MdContext,
  type: Extract<MasterDataEvent, `${string}.created`>,
  row: Row,
) {
  return publish(tx, ctx, type, row.id, { id: row.id, after: row });
}

export function publishChanged<Row extends { id: string }>(
  tx: Tx,
  ctx: MdContext,
  type: Extract<MasterDataEvent, `${string}.${Lifecycle}`>,
  change: { before: Row; after: Row },
) {
  return publish(tx, ctx, type, change.after.id, {
    id: change.after.id,
    before: change.before,
    after: change.after,
  });
}
