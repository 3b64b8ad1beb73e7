import { type EventInput, type EventType, emit } from "@vextrus/events";
import type { Tx } from "@vextrus/platform/db";
import { outbox } from "../db/schema.ts";

/** Whose change it is: the tenant the record belongs to and the user who made it. */
export interface Actor {
  tenantId: string;
  principal: { userId: string };
}

/** A record before and after a change. */
export interface Change<Row> {
  before: Row;
  after: Row;
}

type CreatedType = Extract<EventType, `vextrus.organization.${string}.created`>;
type ChangedType = Extract<
  EventType,
  `vextrus.organization.${string}.${"updated" | "archived" | "suspended" | "activated"}`
>;

/**
 * Records an event in the verb's transaction (the outbox): it is published if and only if the
 * transaction commits. Every state change of this service goes through here.
 */
export function publish<T extends EventType>(
  tx: Tx,
  actor: Actor,
  type: T,
  subject: string,
  data: EventInput<T>,
) {
  return emit(tx, outbox, { type, subject, tenantId: actor.tenantId, actorId: actor.principal.userId, data });
}

export function publishCreated<Row extends { id: string }>(
  tx: Tx,
  actor: Actor,
  type: CreatedType,
  row: Row,
) {
  return publish(tx, actor, type, row.id, { id: row.id, after: row });
}

export function publishChanged<Row extends { id: string }>(
  tx: Tx,
  actor: Actor,
  type: ChangedType,
  change: Change<Row>,
) {
  return publish(tx, actor, type, change.after.id, {
    id: change.after.id,
    before: change.before,
    after: change.after,
  });
}
