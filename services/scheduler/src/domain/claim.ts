import { rowsOf, type Tx } from "@vextrus/platform/db";
import { getTableColumns, sql, type Table } from "drizzle-orm";
import { jobs, runs } from "../db/schema.ts";

export type ClaimedRun = typeof runs.$inferSelect & { job: typeof jobs.$inferSelect };

/** How long past its timeout a running attempt keeps its lease before another replica may take it. */
const LEASE_GRACE_MS = 30_000;
/** Tenants with due runs looked at per claim at most (from a point of the id order that moves on, wrapping). */
const TENANTS_PER_CLAIM = 500;
/** The namespace of the per-tenant claim locks (`pg_try_advisory_xact_lock(ns, hashtext(tenant))`). */
const CLAIM_LOCKS = 1_015_001;
/** The transaction-local setting that carries the tenants a claim locked to the statement claiming. */
const CLAIM_TENANTS = "scheduler.claim_tenants";

/**
 * Before a claim, in the same transaction: sends back to `pending` every running attempt whose lease
 * passed (its replica died mid-run; the old claim can no longer record it). Answers the statement,
 * not yet awaited, to send in one round trip with others.
 */
export function beforeClaim(tx: Tx, now: Date): Promise<unknown>[] {
  return [
    tx
      .execute(sql`
        update ${runs} set status = 'pending', lease_until = null
        where status = 'running' and lease_until < ${now.toISOString()}::timestamptz`)
      .then(() => undefined),
  ];
}

/** When more work falls due, as the claim saw it. */
export interface NextDue {
  /** The earliest occurrence not yet planned (past when planning left some for the next pass). */
  job: Date | null;
  /** The earliest pending run not yet due (a retry after its backoff). */
  run: Date | null;
  /** The earliest lease to run out (a replica died mid-run if it passes). */
  lease: Date | null;
  /** Due runs are left that this claim did not take (tenants at their quota or claimed elsewhere, or no free slots). */
  backlog: boolean;
}

/**
 * Claims up to `limit` due runs of any tenants, after `beforeClaim` in the same transaction, in two
 * statements sent together (one round trip):
 * 1. it finds tenants with due runs by skipping through the (tenant, due) index from `from`, and takes
 *    the claim lock of up to `limit` of those under their quota with `pg_try_advisory_xact_lock` (a
 *    tenant another replica is claiming is skipped, never waited for; the lock is held to commit);
 * 2. in a snapshot taken after those locks (so it sees every claim of those tenants before it, and
 *    the quota holds across replicas), per locked tenant it reads the earliest due runs, at most
 *    `tenantQuota` minus the tenant's running ones (every replica's), takes them in turns (each
 *    tenant's first free slot before anyone's second, so one tenant's 10,000 due runs cannot starve
 *    another's one), locks them FOR UPDATE SKIP LOCKED and marks them running with a lease of the
 *    job's timeout + 30 s.
 * Replicas claim at once from different tenants. Answers the claimed runs with their jobs, and when
 * more work falls due.
 */
export function claimDue(
  tx: Tx,
  options: { now: Date; limit: number; tenantQuota: number; from: string },
): Promise<{ claimed: ClaimedRun[]; next: NextDue }> {
  const at = sql`${options.now.toISOString()}::timestamptz`;
  const from = sql`${options.from}::uuid`;
  const limit = Math.max(0, options.limit);
  const quota = sql`${options.tenantQuota}::int`;
  // Both sent at once (not at an await), so they follow `beforeClaim` on the connection in order.
  const locking = tx
    .execute(sql`
    with recursive above(tenant_id) as (
      (select tenant_id from scheduler.runs
        where status = 'pending' and due_at <= ${at} and tenant_id > ${from} order by tenant_id limit 1)
      union all
      select (select r.tenant_id from scheduler.runs r
          where r.status = 'pending' and r.due_at <= ${at} and r.tenant_id > above.tenant_id
          order by r.tenant_id limit 1)
        from above where above.tenant_id is not null
    ), below(tenant_id) as (
      (select tenant_id from scheduler.runs
        where status = 'pending' and due_at <= ${at} and tenant_id <= ${from} order by tenant_id limit 1)
      union all
      select (select r.tenant_id from scheduler.runs r
          where r.status = 'pending' and r.due_at <= ${at} and r.tenant_id > below.tenant_id
            and r.tenant_id <= ${from}
          order by r.tenant_id limit 1)
        from below where below.tenant_id is not null
    ), due as (
      select t.tenant_id from (select tenant_id from above union all select tenant_id from below) t
      where t.tenant_id is not null
      limit ${TENANTS_PER_CLAIM}
    ), locked as (
      select d.tenant_id from due d
      where case
        when (select count(*) from scheduler.runs b where b.tenant_id = d.tenant_id and b.status = 'running') < ${quota}
        then pg_try_advisory_xact_lock(${CLAIM_LOCKS}, hashtext(d.tenant_id::text))
        else false
      end
      limit ${limit}
    )
    select set_config(${CLAIM_TENANTS}, coalesce(string_agg(tenant_id::text, ','), ''), true) from locked`)
    // drizzle sends a query when it is awaited: this sends it now, ahead of the claim.
    .then(() => undefined);
  const claiming = tx
    .execute(sql`
    with tenants as (
      select t.tenant_id, (select count(*) from scheduler.runs b
          where b.tenant_id = t.tenant_id and b.status = 'running')::int as busy
      from unnest(string_to_array(nullif(current_setting(${CLAIM_TENANTS}, true), ''), ',')::uuid[]) as t(tenant_id)
    ), candidates as (
      select c.id, c.tenant_id, c.due_at, t.busy from tenants t
      cross join lateral (
        select r.id, r.tenant_id, r.due_at from scheduler.runs r
        where r.tenant_id = t.tenant_id and r.status = 'pending' and r.due_at <= ${at}
        order by r.due_at
        limit greatest(0, least(${quota} - t.busy, ${limit}::int))
      ) c
    ), chosen as (
      select id from (
        select id, due_at, busy + row_number() over (partition by tenant_id order by due_at, id) as turn
        from candidates
      ) as l order by turn, due_at, id limit ${limit}
    ), locked as (
      select r.id from scheduler.runs r
      where r.id = any(array(select id from chosen)) and r.status = 'pending'
      for update skip locked
    ), claimed as (
      update scheduler.runs r set status = 'running', started_at = ${at},
        lease_until = ${at} + (j.timeout_ms + ${LEASE_GRACE_MS}) * interval '1 millisecond', error = null
      from scheduler.jobs j
      where r.id = any(array(select id from locked)) and j.id = r.job_id
      returning to_jsonb(r.*)::text as run, to_jsonb(j.*)::text as job
    )
    select run, job, null::text as next from claimed
    union all
    select null, null, json_build_object(
      'job', (select min(next_run_at) from scheduler.jobs where status = 'active' and next_run_at is not null),
      'run', (select min(due_at) from scheduler.runs where status = 'pending' and due_at > ${at}),
      'lease', (select min(lease_until) from scheduler.runs where status = 'running'),
      'backlog', (select count(*) from (select 1 from scheduler.runs
          where status = 'pending' and due_at <= ${at} limit ${limit + 1}) as due) > (select count(*) from chosen)
    )::text`)
    .then(claimedOf);
  return Promise.all([locking, claiming]).then(([, claim]) => claim);
}

function claimedOf(result: unknown): { claimed: ClaimedRun[]; next: NextDue } {
  const claimed: ClaimedRun[] = [];
  let next: NextDue = { job: null, run: null, lease: null, backlog: false };
  for (const row of rowsOf<{ run: string | null; job: string | null; next: string | null }>(result)) {
    if (row.run && row.job) {
      claimed.push({ ...fromJson(runs, row.run), job: fromJson(jobs, row.job) });
    } else if (row.next) {
      const seen = JSON.parse(row.next) as Record<"job" | "run" | "lease", string | null> & {
        backlog: boolean;
      };
      const date = (value: string | null) => (value ? new Date(value) : null);
      next = { job: date(seen.job), run: date(seen.run), lease: date(seen.lease), backlog: seen.backlog };
    }
  }
  return { claimed, next };
}

/** A row of `table` from its `to_jsonb` text, each column mapped as drizzle maps it from the driver. */
function fromJson<T extends Table>(table: T, text: string): T["$inferSelect"] {
  const json = JSON.parse(text) as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T["$inferSelect"];
}
