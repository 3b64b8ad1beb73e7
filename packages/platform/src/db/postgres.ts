import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle, PostgresJsDatabase, PostgresJsSession } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { AppError, DATABASE_DOWN } from "../errors.ts";
import { endSpan, tracingOn } from "../telemetry.ts";
import { assertNoOpenTransaction, asTransaction } from "./guard.ts";
import { type SpanTarget, statementSpan } from "./spans.ts";
import type { Database, TenantTxOptions, Tx } from "./types.ts";

export interface PostgresOptions {
  url: string;
  appRole: string;
  maxConnections?: number;
  /**
   * How long a tenant transaction waits for a connection, and then for its BEGIN to be answered,
   * before UNAVAILABLE (default 10 s).
   */
  reserveTimeoutMs?: number;
  /** The service whose database this is: names its statement spans when tracing is on (default `db`). */
  service?: string | undefined;
}

const ignore = () => {};

/** Text that can stand between single quotes in SQL as it is: no quote, backslash or space. */
const SAFE_LITERAL = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `sql.reserve()`, given up after `ms` with UNAVAILABLE. postgres.js 3.4.9 strands a queued reserve
 * for good when the server ends the connection it was waiting for (a PostgreSQL restart;
 * porsager/postgres#1195): without a deadline that request would hang forever. A connection that
 * arrives after the deadline is given back at once.
 */
export async function reserveWithin(sql: postgres.Sql, ms: number): Promise<postgres.ReservedSql> {
  const pending = sql.reserve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError("UNAVAILABLE", "platform.db.no_connection", DATABASE_DOWN)),
      ms,
    );
  });
  try {
    return await Promise.race([pending, deadline]);
  } catch (error) {
    pending.then((conn) => conn.release(), ignore);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const NO_ANSWER = Symbol("no answer");

/**
 * `work`, or NO_ANSWER when `first` (the transaction's BEGIN) has not been answered within `ms`.
 * A connection that stops answering (PostgreSQL down or unreachable) would otherwise keep the
 * caller waiting until the server comes back: postgres.js retries the connection without a limit.
 */
function answeredWithin<T>(work: Promise<T>, first: Promise<unknown>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(NO_ANSWER), ms);
    // A failed BEGIN ends the wait at once: the rest of the pipeline may never be answered.
    first.then(
      () => clearTimeout(timer),
      (error: unknown) => reject(error),
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * With tracing on, one client span per statement, a child of the request or event being handled:
 * `db.system`, `db.name` and `db.statement` (the text drizzle sends, with `$1` placeholders: parameter
 * values never leave the process), ended when the statement is answered. Off, the query as is.
 */
function traced(query: postgres.PendingQuery<postgres.Row[]>, text: string, target: SpanTarget) {
  if (!tracingOn()) {
    return query;
  }
  const span = statementSpan(text, target);
  // Awaiting it here does not run it early: postgres.js sends a query one tick after it is first
  // awaited, so drizzle's `.values()` right after `unsafe()` still applies.
  query.then(
    () => endSpan(span),
    (error: unknown) => endSpan(span, error),
  );
  return query;
}

/** A transaction of one statement: the COMMIT pipelined behind it, once it is sent. */
interface OneStatement {
  commit?: Promise<unknown>;
}

/**
 * COMMIT, sent right behind `statement` into the same write. Drizzle may still call `.values()` on
 * the statement in the caller's synchronous code, so both start in a microtask queued now: it runs
 * before the caller's own await starts the statement, and postgres.js sends queries in the order
 * they start (each one microtask after), buffering a tick's queries into one write.
 */
function commitBehind(conn: postgres.ReservedSql, statement: { execute(): unknown }) {
  return new Promise<unknown>((resolve, reject) => {
    queueMicrotask(() => {
      statement.execute();
      conn.unsafe("commit").execute().then(resolve, reject);
    });
  });
}

/**
 * The client drizzle talks to, asking postgres.js to prepare every query that has parameters.
 * Drizzle asks for that only for queries given a name, and an unnamed query costs a Describe round
 * trip and a fresh parse and plan each time; a prepared one is reused on its connection. (Plans
 * made under row-level security are bound to the role they were made for: PostgreSQL replans for
 * another one.)
 */
function preparing(
  client: postgres.ReservedSql,
  spans: SpanTarget,
  single: OneStatement | undefined,
): postgres.ReservedSql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: unknown[], opts?: postgres.UnsafeQueryOptions) => {
          if (single?.commit) {
            throw new Error(
              "A second statement in a transaction opened with oneStatement: its COMMIT has gone out already",
            );
          }
          const pending = target.unsafe<postgres.Row[]>(query, params as postgres.ParameterOrJSON<never>[], {
            ...opts,
            prepare: (params?.length ?? 0) > 0,
          });
          if (single) {
            single.commit = commitBehind(target, pending);
          }
          return traced(pending, query, spans);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * PostgreSQL through postgres.js. A tenant transaction reserves one connection and pipelines
 * BEGIN, the tenant/role settings and the verb's first query into one round trip; a privileged
 * transaction does the same with the platform scope.
 */
export function postgresDatabase(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: ignore,
    connection: { application_name: options.appRole },
  });
  const spans: SpanTarget = {
    service: options.service ?? "db",
    database: decodeURIComponent(new URL(options.url).pathname.slice(1)) || "postgres",
  };
  // drizzle() sets the client's date and JSON (de)serializers to what its query builder expects; the
  // reserved connection of every transaction shares these options.
  drizzle({ client: sql });
  const dialect = new PgDialect();
  const inFlight = new Set<Promise<void>>();
  // A drizzle handle over one reserved connection (drizzle() itself expects a pool's options).
  const onConnection = (conn: postgres.ReservedSql, single: OneStatement | undefined) =>
    new PostgresJsDatabase(
      dialect,
      new PostgresJsSession(preparing(conn, spans, single), dialect, undefined),
      undefined,
    ) as unknown as Tx;

  const timeoutMs = options.reserveTimeoutMs ?? 10_000;
  const roleLiteral = SAFE_LITERAL.test(options.appRole) ? options.appRole : undefined;

  /**
   * A transaction on one reserved connection: BEGIN and `settings` go out unawaited, ahead of the
   * verb's first statement. Settings given as SQL text ride in BEGIN's own simple-protocol message
   * (one statement object, no Bind/Execute of their own); a statement is sent after it.
   */
  async function transaction<T>(
    settings: string | ((conn: postgres.ReservedSql) => postgres.PendingQuery<postgres.Row[]>),
    fn: (tx: Tx) => Promise<T>,
    opts: TenantTxOptions = {},
  ): Promise<T> {
    const conn = await reserveWithin(sql, timeoutMs);
    const beginSql = opts.readOnly ? "begin read only" : "begin";
    const begin = conn.unsafe(typeof settings === "string" ? `${beginSql}; ${settings}` : beginSql).execute();
    const setup = typeof settings === "string" ? begin : settings(conn).execute();
    begin.catch(ignore);
    setup.catch(ignore);
    const single: OneStatement | undefined = opts.oneStatement && opts.readOnly ? {} : undefined;
    const work = (async () => {
      const value = await fn(onConnection(conn, single));
      await begin;
      await setup;
      return value;
    })();
    // When BEGIN fails first, the answer goes out without waiting for `work`, which fails later.
    work.catch(ignore);
    let result: T;
    try {
      result = await answeredWithin(work, begin, timeoutMs);
    } catch (error) {
      single?.commit?.catch(ignore);
      if (error === NO_ANSWER) {
        // The pipeline may still run if the server comes back: roll it back, then give the
        // connection back (never while a transaction may be open on it).
        void work
          .catch(ignore)
          .then(() => conn`rollback`.catch(ignore))
          .finally(() => conn.release());
        throw new AppError("UNAVAILABLE", "platform.db.no_answer", DATABASE_DOWN);
      }
      const beginError = await begin.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (beginError !== undefined) {
        // The connection failed before the transaction began: nothing to roll back, and a
        // ROLLBACK could wait as long as the server is away. (Connection errors answer UNAVAILABLE.)
        // When the server answered with an error instead (a setting riding with BEGIN refused), a
        // transaction may be open: roll it back before the connection goes back.
        if (beginError instanceof postgres.PostgresError) {
          await conn.unsafe("rollback").catch(ignore);
        }
        conn.release();
        throw beginError;
      }
      const setupError = await setup.then(
        () => undefined,
        (e: unknown) => e,
      );
      await conn.unsafe("rollback").catch(ignore);
      conn.release();
      throw setupError ?? error;
    }
    // Simple protocol (one message, no Parse/Describe/Bind of its own), as BEGIN; with oneStatement
    // it went out behind the statement already.
    const commit = single?.commit ?? conn.unsafe("commit").execute();
    if (opts.readOnly) {
      const release = () => conn.release();
      const settled: Promise<void> = commit.then(release, release).finally(() => inFlight.delete(settled));
      inFlight.add(settled);
      return result;
    }
    try {
      await commit;
    } finally {
      conn.release();
    }
    return result;
  }

  return {
    driver: "postgres",
    tenant: (tenantId, fn, opts) =>
      asTransaction("tenant transaction", () =>
        transaction(
          // A tenant id of letters, digits and dashes (every UUID) is written into BEGIN's message
          // as a literal; anything else goes as a bound parameter, as before.
          SAFE_LITERAL.test(tenantId) && roleLiteral !== undefined
            ? `select set_config('app.tenant_id', '${tenantId}', true), set_config('role', '${roleLiteral}', true)`
            : (conn) =>
                conn`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${options.appRole}, true)`,
          fn,
          opts,
        ),
      ),
    privileged: (fn) =>
      asTransaction("privileged transaction", () =>
        transaction("select set_config('app.platform', 'on', true)", fn),
      ),
    async ping() {
      assertNoOpenTransaction("A database ping");
      await sql`select 1`;
    },
    async close() {
      // Let pipelined read-only commits finish and give their connections back before ending.
      await Promise.allSettled([...inFlight]);
      await sql.end({ timeout: 5 });
    },
  };
}
