import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle, PostgresJsDatabase, PostgresJsSession } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { AppError } from "../errors.ts";
import { type Database, PLATFORM_SCOPE, type TenantTxOptions, type Tx } from "./types.ts";

export interface PostgresOptions {
  url: string;
  appRole: string;
  maxConnections?: number;
  /** How long a tenant transaction waits for a connection before UNAVAILABLE (default 10 s). */
  reserveTimeoutMs?: number;
}

const ignore = () => {};

const NO_CONNECTION = {
  en: "The database is not answering right now; please try again shortly",
  bn: "ডাটাবেস এই মুহূর্তে সাড়া দিচ্ছে না; একটু পরে আবার চেষ্টা করুন",
};

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
      () => reject(new AppError("UNAVAILABLE", "platform.db.no_connection", NO_CONNECTION)),
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

type Client = postgres.Sql | postgres.ReservedSql | postgres.TransactionSql;

/**
 * The client drizzle talks to, asking postgres.js to prepare every query that has parameters.
 * Drizzle asks for that only for queries given a name, and an unnamed query costs a Describe round
 * trip and a fresh parse and plan each time; a prepared one is reused on its connection. (Plans
 * made under row-level security are bound to the role they were made for: PostgreSQL replans for
 * another one.)
 */
function preparing<T extends Client>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: unknown[], opts?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params as postgres.ParameterOrJSON<never>[], {
            ...opts,
            prepare: (params?.length ?? 0) > 0,
          });
      }
      if (property === "begin") {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (tx: postgres.TransactionSql) => unknown;
          return (target as postgres.Sql).begin(
            ...(args.slice(0, -1) as [string]),
            (tx: postgres.TransactionSql) => fn(preparing(tx)),
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * PostgreSQL through postgres.js. A tenant transaction reserves one connection and pipelines
 * BEGIN, the tenant/role settings and the verb's first query into one round trip.
 */
export function postgresDatabase(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: ignore,
    connection: { application_name: options.appRole },
  });
  const shared = drizzle({ client: preparing(sql) }) as unknown as Tx;
  const dialect = new PgDialect();
  const inFlight = new Set<Promise<void>>();
  // A drizzle handle over one reserved connection (drizzle() itself expects a pool's options).
  const onConnection = (conn: postgres.ReservedSql) =>
    new PostgresJsDatabase(
      dialect,
      new PostgresJsSession(preparing(conn), dialect, undefined),
      undefined,
    ) as unknown as Tx;

  async function tenant<T>(
    tenantId: string,
    fn: (tx: Tx) => Promise<T>,
    opts: TenantTxOptions = {},
  ): Promise<T> {
    const conn = await reserveWithin(sql, options.reserveTimeoutMs ?? 10_000);
    const begin = conn.unsafe(opts.readOnly ? "begin read only" : "begin").execute();
    const setup =
      conn`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${options.appRole}, true)`.execute();
    begin.catch(ignore);
    setup.catch(ignore);
    let result: T;
    try {
      result = await fn(onConnection(conn));
      await begin;
      await setup;
    } catch (error) {
      const setupError = await setup.then(
        () => undefined,
        (e: unknown) => e,
      );
      await conn`rollback`.catch(ignore);
      conn.release();
      throw setupError ?? error;
    }
    const commit = conn`commit`.execute();
    if (opts.readOnly) {
      commit.then(
        () => conn.release(),
        () => conn.release(),
      );
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
    tenant,
    privileged: (fn) =>
      shared.transaction(async (tx) => {
        await tx.execute(PLATFORM_SCOPE);
        return fn(tx as unknown as Tx);
      }),
    async ping() {
      await sql`select 1`;
    },
    async close() {
      // Let pipelined read-only commits finish and give their connections back before ending.
      await Promise.allSettled([...inFlight]);
      await sql.end({ timeout: 5 });
    },
  };
}
