import type { CloudEvent } from "@vextrus/events";
import { rowsOf, type Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { chainHeads, type FieldChange, logEntries } from "../db/schema.ts";
import { diffOf, entityOf, entryHash, genesisHash } from "./chain.ts";

interface EntryRow {
  seq: number;
  event_id: string;
  type: string;
  entity: string;
  subject: string;
  actor_id: string | null;
  source: string;
  occurred_at: string;
  event: CloudEvent;
  diff: FieldChange[] | null;
  prev_hash: string;
  hash: string;
}

/**
 * Appends events to a tenant's chain, in order, inside the caller's tenant transaction. The chain
 * head row is locked first (created on the tenant's first event), so appends of one tenant are
 * serialized and sequence numbers have no gaps. Events already in the log are skipped.
 * Returns how many entries were added.
 */
export async function appendToChain(
  tx: Tx,
  tenantId: string,
  events: readonly CloudEvent[],
): Promise<number> {
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
  const rows: EntryRow[] = [];
  for (const event of events) {
    if (skip.has(event.id)) {
      continue;
    }
    skip.add(event.id);
    seq += 1;
    const hash = entryHash(prevHash, event);
    rows.push({
      seq,
      event_id: event.id,
      type: event.type,
      entity: entityOf(event.type),
      subject: event.subject,
      actor_id: event.actorid ?? null,
      source: event.source,
      occurred_at: event.time,
      event,
      diff: diffOf(event.data),
      prev_hash: prevHash,
      hash,
    });
    prevHash = hash;
  }
  if (rows.length === 0) {
    return 0;
  }
  // One statement and one parameter for the whole batch (a multi-row VALUES would bind 13 per row).
  await Promise.all([
    tx.execute(sql`
      insert into ${logEntries}
        (tenant_id, seq, event_id, type, entity, subject, actor_id, source, occurred_at, event, diff, prev_hash, hash)
      select ${tenantId}::uuid, r.seq, r.event_id, r.type, r.entity, r.subject, r.actor_id, r.source, r.occurred_at,
             r.event, r.diff, r.prev_hash, r.hash
      from json_to_recordset(${JSON.stringify(rows)}::json) as r(
        seq bigint, event_id uuid, type text, entity text, subject text, actor_id text, source text,
        occurred_at timestamptz, event json, diff json, prev_hash text, hash text)
      order by r.seq`),
    tx.execute(sql`
      update ${chainHeads} set seq = ${seq}, hash = ${prevHash}, updated_at = now() where tenant_id = ${tenantId}`),
  ]);
  return rows.length;
}
