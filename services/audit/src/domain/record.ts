import { type CloudEvent, canonicalJson } from "@vextrus/events";
import { preparedQuery, rowsOf, type Tx } from "@vextrus/platform/db";
import { type SQL, sql } from "drizzle-orm";
import { chainHeads, logEntries } from "../db/schema.ts";
import { chainHash, diffOf, entityOf, genesisHash } from "./chain.ts";

/** The columns an append writes, in the order of each row's values. */
const COLUMNS = [
  "tenantId",
  "seq",
  "eventId",
  "type",
  "entity",
  "subject",
  "actorId",
  "source",
  "occurredAt",
  "event",
  "diff",
  "prevHash",
  "hash",
] as const;

/**
 * Rows per INSERT. A batch is cut greedily into these sizes, so each connection prepares at most
 * four statement shapes, and the values travel as plain parameters: nothing for PostgreSQL to parse
 * but the event itself (a JSON document of every row cost it twice as much, an array per column
 * three times as much: array_in of the events' quoted text).
 */
const CHUNK_SIZES = [64, 16, 4, 1] as const;

/**
 * The INSERT of `size` rows, rendered once (drizzle rendering each batch's 13 parameters per row
 * was an eighth of the audit service's CPU). Value `row * 13 + column` of the flat list is placeholder
 * `"row * 13 + column"`; each is wrapped in `sql` so it reaches the driver as given (the event and
 * the diff as the JSON text already built, not through the json columns' JSON.stringify).
 */
const insertOf = (size: number) =>
  preparedQuery(`audit.log_entries.insert${size}`, (db) =>
    db
      .insert(logEntries)
      .values(
        Array.from(
          { length: size },
          (_, row) =>
            Object.fromEntries(
              COLUMNS.map((column, at) => [
                column,
                sql`${sql.placeholder(String(row * COLUMNS.length + at))}`,
              ]),
            ) as Record<(typeof COLUMNS)[number], SQL>,
        ),
      ),
  );
const INSERTS = new Map(CHUNK_SIZES.map((size) => [size, insertOf(size)]));

/**
 * Appends events to a tenant's chain, in order, inside the caller's tenant transaction. The chain
 * head row is locked first (created on the tenant's first event), so appends of one tenant are
 * serialized and sequence numbers have no gaps. Events already in the log are skipped: the log's
 * unique (tenant, event id) is the audit consumer's inbox. Returns the ids of the entries added.
 * The stored event is the canonical JSON the hash covers (the event as received, keys sorted), so
 * each event is serialized once.
 */
export async function appendToChain(
  tx: Tx,
  tenantId: string,
  events: readonly CloudEvent[],
): Promise<ReadonlySet<string>> {
  const ids = `{${events.map((e) => e.id).join(",")}}`;
  // Sent together (postgres.js pipelines them on the transaction's connection); the server still runs
  // them in order, so the duplicate check sees every entry committed before the head lock was granted.
  const [headResult, knownResult] = await Promise.all([
    tx.execute(sql`
      insert into ${chainHeads} (tenant_id, seq, hash) values (${tenantId}, 0, ${genesisHash(tenantId)})
      on conflict (tenant_id) do update set tenant_id = excluded.tenant_id
      returning seq, hash`),
    tx.execute(sql`
      select event_id from ${logEntries} where tenant_id = ${tenantId} and event_id = any(${ids}::uuid[])`),
  ]);
  const head = rowsOf<{ seq: string | number; hash: string }>(headResult)[0];
  if (!head) {
    throw new Error(`audit: no chain head for tenant ${tenantId}`);
  }
  const skip = new Set(rowsOf<{ event_id: string }>(knownResult).map((row) => row.event_id));
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const added = new Set<string>();
  /** Every row's values, row after row in COLUMNS order. */
  const values: unknown[] = [];
  for (const event of events) {
    if (skip.has(event.id) || added.has(event.id)) {
      continue;
    }
    added.add(event.id);
    seq += 1;
    const canonical = canonicalJson(event);
    const hash = chainHash(prevHash, canonical);
    const diff = diffOf(event.data);
    values.push(tenantId, seq, event.id, event.type, entityOf(event.type), event.subject);
    values.push(event.actorid ?? null, event.source, event.time, canonical);
    values.push(diff ? JSON.stringify(diff) : null, prevHash, hash);
    prevHash = hash;
  }
  if (added.size === 0) {
    return added;
  }
  const inserts: Promise<unknown>[] = [];
  for (let row = 0; row < added.size; ) {
    const size = CHUNK_SIZES.find((n) => n <= added.size - row) ?? 1;
    const chunk = values.slice(row * COLUMNS.length, (row + size) * COLUMNS.length);
    inserts.push((INSERTS.get(size) ?? insertOf(size))(tx, chunk as unknown as Record<string, unknown>));
    row += size;
  }
  await Promise.all([
    ...inserts,
    tx.execute(sql`
      update ${chainHeads} set seq = ${seq}, hash = ${prevHash}, updated_at = now() where tenant_id = ${tenantId}`),
  ]);
  return added;
}
