import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";

/** The drizzle surface a domain verb gets: the same query builder on PostgreSQL and on PGlite. */
export type Tx = PgDatabase<PgQueryResultHKT>;

export interface TenantTxOptions {
  /** A read-only transaction; its COMMIT is pipelined so the caller gets the result after one round trip. */
  readOnly?: boolean;
  /**
   * With `readOnly`: the verb runs exactly one statement, and the COMMIT goes out right behind it, so
   * BEGIN, the settings, the statement and COMMIT are one write to PostgreSQL instead of two. A second
   * statement is refused (a programming error). Ignored without `readOnly` (a write's COMMIT must
   * not go out before the verb is done) and on PGlite (nothing is pipelined there).
   */
  oneStatement?: boolean;
}

export interface Database {
  readonly driver: "postgres" | "pglite";
  /**
   * Runs `fn` in one transaction as the application role (which cannot bypass row-level security)
   * with `app.tenant_id` set: every query sees and writes only that tenant's rows.
   */
  tenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options?: TenantTxOptions): Promise<T>;
  /**
   * Runs `fn` in a transaction as the connection's own user, outside any tenant. For infrastructure
   * only (the outbox relay, metrics gauges, platform operators): domain verbs use `tenant`. It sets
   * `app.platform = 'on'`, which the few policies written for platform reads accept.
   */
  privileged<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) {
    return result as T[];
  }
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

export const PLATFORM_SCOPE = sql`select set_config('app.platform', 'on', true)`;
