import { currentTraceparent, endSpan, startSpan, traceparentOfSpan } from "@vextrus/platform";
import type { Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  getTableConfig,
  index,
  integer,
  json,
  type PgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { definitionOf, type EventInput, type EventType, topicOf } from "./catalog.ts";
import { CloudEvent } from "./envelope.ts";
import { wakeRelaysAfterCommit } from "./wake.ts";

/**
 * `<schema>.outbox`: events waiting for the relay. Written by domain verbs inside their tenant
 * transaction (as the app role, which may only INSERT), read and marked sent by the relay (as the
 * schema owner, across tenants). Not tenant-RLS'd: tenants never read it.
 *
 * The service's custom migration must grant exactly:
 *   GRANT INSERT ON <schema>.outbox TO vextrus_app;
 */
export function outboxTable(schema: PgSchema) {
  return schema.table(
    "outbox",
    {
      id: uuid("id").primaryKey(),
      tenantId: uuid("tenant_id").notNull(),
      topic: text("topic").notNull(),
      key: text("key").notNull(),
      /** The whole CloudEvent, exactly as it is published. */
      event: json("event").notNull().$type<CloudEvent>(),
      createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
      sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
      /** Failed publish attempts so far. */
      attempts: integer("attempts").notNull().default(0),
    },
    (t) => [
      // The relay's work list and its per-key ordering check only ever look at unsent rows.
      index("outbox_unsent_idx").on(t.id).where(sql`sent_at is null`),
      index("outbox_unsent_key_idx").on(t.key, t.id).where(sql`sent_at is null`),
      index("outbox_sent_at_idx").on(t.sentAt).where(sql`sent_at is not null`),
    ],
  );
}

/**
 * `<schema>.inbox`: which events each consumer of the service has already applied, so a redelivered
 * event changes nothing. The row is written in the handler's own transaction.
 *
 * The service's custom migration must grant exactly:
 *   GRANT SELECT, INSERT ON <schema>.inbox TO vextrus_app;
 */
export function inboxTable(schema: PgSchema) {
  return schema.table(
    "inbox",
    {
      eventId: uuid("event_id").notNull(),
      /** The consumer (handler set) that applied it; one service may run more than one. */
      consumer: text("consumer").notNull(),
      processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    },
    (t) => [
      primaryKey({ name: "inbox_pkey", columns: [t.eventId, t.consumer] }),
      index("inbox_processed_at_idx").on(t.processedAt),
    ],
  );
}

export type OutboxTable = ReturnType<typeof outboxTable>;
export type InboxTable = ReturnType<typeof inboxTable>;

export interface EmitInput<T extends EventType> {
  type: T;
  /** The aggregate's id: the event's subject and its Kafka key (one aggregate's events stay ordered). */
  subject: string;
  tenantId: string;
  actorId?: string | null | undefined;
  data: EventInput<T>;
  traceparent?: string | undefined;
}

/** Thrown for an event that breaks the catalog: a bug in the producing code, never bad user input. */
export class EventContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventContractError";
  }
}

const SECRET_FIELD =
  /^(password|password_?hash|pin|otp|token|access_?token|refresh_?token|reset_?token|secret|client_?secret|api_?key|private_?key)$/i;

/** Events are kept for years by the audit log: a field that looks like a credential is refused. */
export function findSecretField(value: unknown, path = "data"): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findSecretField(item, `${path}.${i}`);
      if (found) {
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_FIELD.test(key)) {
        return `${path}.${key}`;
      }
      const found = findSecretField(item, `${path}.${key}`);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}

/** The validated envelope for an event: what emit() stores and the relay publishes. */
export function buildEvent<T extends EventType>(input: EmitInput<T>) {
  const topic = topicOf(input.type);
  const definition = definitionOf(input.type);
  if (!topic || !definition) {
    throw new EventContractError(`${input.type} is not in the event catalog`);
  }
  // What consumers will see is the JSON form: validate that, not the in-memory objects (Dates…).
  const json: unknown = JSON.parse(JSON.stringify(input.data ?? null));
  const parsed = definition.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${["data", ...i.path].join(".")}: ${i.message}`);
    throw new EventContractError(`${input.type} payload is invalid: ${issues.join("; ")}`);
  }
  const secret = findSecretField(parsed.data);
  if (secret) {
    throw new EventContractError(`${input.type} payload carries a credential-like field (${secret})`);
  }
  const id = Bun.randomUUIDv7();
  const cause = input.traceparent ?? currentTraceparent();
  // With tracing on, the event's own producer span (a child of the cause's): consumers continue it.
  const span = startSpan(
    {
      service: topic.owner,
      name: `create ${topic.name}`,
      kind: "producer",
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.type": "create",
        "messaging.destination.name": topic.name,
        "messaging.message.id": id,
        "cloudevents.event_type": input.type,
      },
    },
    cause,
  );
  endSpan(span);
  const traceparent = span ? traceparentOfSpan(span) : cause;
  const event: CloudEvent = {
    specversion: "1.0",
    id,
    source: `/vextrus/${topic.owner}`,
    type: input.type,
    subject: input.subject,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    tenantid: input.tenantId,
    ...(input.actorId ? { actorid: input.actorId } : {}),
    // The request's or handled event's trace unless the caller names one (W3C trace context).
    ...(traceparent ? { traceparent } : {}),
    dataversion: String(definition.version),
    data: parsed.data,
  };
  const envelope = CloudEvent.safeParse(event);
  if (!envelope.success) {
    const issues = envelope.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new EventContractError(`${input.type} envelope is invalid: ${issues.join("; ")}`);
  }
  return { topic: topic.name, key: input.subject, event };
}

/** The channel of a service's outbox: its relays' in-process wake-ups and their LISTEN. */
export const outboxChannel = (outbox: OutboxTable): string =>
  `vextrus_outbox_${getTableConfig(outbox).schema}`;

/**
 * Wakes this process's relay of `outbox` once the caller's transaction commits (for code that writes
 * outbox rows itself, as emit does). No NOTIFY: see wake.ts.
 */
export const wakeRelayAfterCommit = (outbox: OutboxTable): void =>
  wakeRelaysAfterCommit(outboxChannel(outbox));

/**
 * Records an event in the caller's transaction: it is published if and only if the transaction
 * commits. Validates the payload against the catalog (an invalid one throws EventContractError) and
 * wakes the process's relay once the transaction commits. Returns the envelope.
 */
export async function emit<T extends EventType>(tx: Tx, outbox: OutboxTable, input: EmitInput<T>) {
  const { topic, key, event } = buildEvent(input);
  await tx.execute(sql`
    insert into ${outbox} (id, tenant_id, topic, key, event)
    values (${event.id}, ${event.tenantid}, ${topic}, ${key}, ${JSON.stringify(event)}::json)`);
  wakeRelayAfterCommit(outbox);
  return event;
}

/**
 * emit() for many events of one transaction (a batch import): one multi-row insert and one wake-up
 * instead of a round trip per event. Each event is validated as emit() validates it.
 */
export async function emitMany<T extends EventType>(
  tx: Tx,
  outbox: OutboxTable,
  inputs: readonly EmitInput<T>[],
) {
  const built = inputs.map((input) => buildEvent(input));
  if (built.length === 0) {
    return [];
  }
  const values = built.map(
    ({ topic, key, event }) =>
      sql`(${event.id}, ${event.tenantid}, ${topic}, ${key}, ${JSON.stringify(event)}::json)`,
  );
  await tx.execute(sql`
    insert into ${outbox} (id, tenant_id, topic, key, event) values ${sql.join(values, sql`, `)}`);
  wakeRelayAfterCommit(outbox);
  return built.map((b) => b.event);
}
