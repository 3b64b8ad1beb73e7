import type { CloudEvent } from "@vextrus/events";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { type SQL, sql } from "drizzle-orm";
import { chainHeads, logEntries } from "../db/schema.ts";
import { diffOf, entityOf, entryHash, genesisHash } from "./chain.ts";

/**
 * Rows per INSERT. A batch is cut greedily into these sizes, so each connection prepares at most
 * four statement shapes, and the values travel as plain parameters: nothing for PostgreSQL to parse
 * but the event itself (a JSON document of every row cost it twice as much).
 */
const CHUNK_SIZES = [64, 16, 4, 1] as const;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < rows.length; ) {
    const size = CHUNK_SIZES.find((n) => n <= rows.length - at) ?? 1;
    out.push(rows.slice(at, at + size));
    at += size;
  }
  return out;
}

/**
 * Appends events to a tenant's chain, in order, inside the caller's tenant transaction. The chain
 * head row is locked first (created on the tenant's first event), so appends of one tenant are
 * serialized and sequence numbers have no gaps. Events already in the log are skipped: the log's
 * unique (tenant, event id) is the audit consumer's inbox. Returns the ids of the entries added.
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
  const rows: SQL[] = [];
  for (const event of events) {
    if (skip.has(event.id) || added.has(event.id)) {
      continue;
    }
    added.add(event.id);
    seq += 1;
    const hash = entryHash(prevHash, event);
    const diff = diffOf(event.data);
    rows.push(sql`(${tenantId}, ${seq}, ${event.id}, ${event.type}, ${entityOf(event.type)}, ${event.subject},
      ${event.actorid ?? null}, ${event.source}, ${event.time}, ${JSON.stringify(event)},
      ${diff ? JSON.stringify(diff) : null}, ${prevHash}, ${hash})`);
    prevHash = hash;
  }
  if (rows.length === 0) {
    return added;
  }
  await Promise.all([
    ...chunks(rows).map((chunk) =>
      tx.execute(sql`
        insert into ${logEntries}
          (tenant_id, seq, event_id, type, entity, subject, actor_id, source, occurred_at, event, diff, prev_hash, hash)
        values ${sql.join(chunk, sql`, `)}`),
    ),
    tx.execute(sql`
      update ${chainHeads} set seq = ${seq}, hash = ${prevHash}, updated_at = now() where tenant_id = ${tenantId}`),
  ]);
  return added;
}
