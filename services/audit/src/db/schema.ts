import type { CloudEvent } from "@vextrus/events";
import { tenantId, tenantIsolation } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  json,
  pgPolicy,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";

export const audit = pgSchema("audit");

/** One field that changed, when an event carries `before` and `after`. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Platform work (retention, metrics) as the schema owner; never the app role, even if it sets the flag. */
const PLATFORM = sql`current_setting('app.platform', true) = 'on' and current_user <> 'vextrus_app'`;

/**
 * The append-only log, one hash chain per tenant. The app role may only SELECT and INSERT, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE (except the retention policy's own deletes).
 */
export const logEntries = audit.table(
  "log_entries",
  {
    tenantId: tenantId(),
    /** 1, 2, 3… per tenant, without gaps. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    eventId: uuid("event_id").notNull(),
    type: text("type").notNull(),
    /** `organization.department`: the type without `vextrus.` and the verb. */
    entity: text("entity").notNull(),
    subject: text("subject").notNull(),
    actorId: text("actor_id"),
    source: text("source").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true, mode: "date" })
      .notNull()
      .default(sql`clock_timestamp()`),
    /**
     * The CloudEvent as received, stored as its canonical JSON: the exact text the hash covers. `json`,
     * not `jsonb`: the log is written far more than read and never queried inside, and `json` stores
     * the text without converting it.
     */
    event: json("event").notNull().$type<CloudEvent>(),
    diff: json("diff").$type<FieldChange[]>(),
    prevHash: text("prev_hash").notNull(),
    /** SHA-256 (hex) of prev_hash followed by the canonical JSON of the event. */
    hash: text("hash").notNull(),
  },
  (t) => [
    primaryKey({ name: "log_entries_pkey", columns: [t.tenantId, t.seq] }),
    unique("log_entries_tenant_id_event_id_key").on(t.tenantId, t.eventId),
    index("log_entries_subject_idx").on(t.tenantId, t.entity, t.subject, t.seq),
    index("log_entries_actor_id_idx").on(t.tenantId, t.actorId, t.seq),
    index("log_entries_occurred_at_idx").on(t.tenantId, t.occurredAt),
    tenantIsolation(),
    // The retention policy (audit.apply_retention, run by the service as the schema owner).
    pgPolicy("platform_retention", { as: "permissive", for: "delete", using: PLATFORM }),
    pgPolicy("platform_read", { as: "permissive", for: "select", using: PLATFORM }),
  ],
);

/** Each tenant's chain head: appends lock it, so sequence numbers are serialized per tenant. */
export const chainHeads = audit.table(
  "chain_heads",
  {
    tenantId: uuid("tenant_id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
    /** Entries up to this seq were removed by the retention policy; 0 when none. */
    anchorSeq: bigint("anchor_seq", { mode: "number" }).notNull().default(0),
    /** The hash of entry `anchor_seq`: where verification resumes after a retention purge. */
    anchorHash: text("anchor_hash"),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  () => [
    tenantIsolation(),
    pgPolicy("platform_all", { as: "permissive", for: "all", using: PLATFORM, withCheck: PLATFORM }),
  ],
);
