import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { endSpan, tracingOn } from "../telemetry.ts";
import { assertNoOpenTransaction, asTransaction } from "./guard.ts";
import { type SpanTarget, statementSpan } from "./spans.ts";
import { type Database, PLATFORM_SCOPE, type Tx } from "./types.ts";

export interface PgliteOptions {
  client: PGlite;
  appRole: string;
  /** Embedded mode shares one PGlite between services: only its owner closes it. */
  ownsClient?: boolean;
  /** The service whose database this is: names its statement spans when tracing is on (default `db`). */
  service?: string | undefined;
}

/** What drizzle calls on a PGlite client and on the transaction PGlite hands it. */
interface Queryable {
  query(text: string, params?: unknown[], options?: unknown): Promise<unknown>;
  transaction?(fn: (tx: Queryable) => Promise<unknown>): Promise<unknown>;
}

/**
 * The client drizzle talks to: with tracing on, each statement is a client span as on PostgreSQL
 * (postgres.ts), inside transactions too; off, one check per statement and the query as is.
 */
function tracing<C extends Queryable>(client: C, target: SpanTarget): C {
  return new Proxy(client, {
    get(inner, property) {
      if (property === "query") {
        return async (text: string, params?: unknown[], options?: unknown) => {
          if (!tracingOn()) {
            return inner.query(text, params, options);
          }
          const span = statementSpan(text, target);
          try {
            const result = await inner.query(text, params, options);
            endSpan(span);
            return result;
          } catch (error) {
            endSpan(span, error);
            throw error;
          }
        };
      }
      if (property === "transaction" && inner.transaction) {
        const begin = inner.transaction.bind(inner);
        return (fn: (tx: Queryable) => Promise<unknown>) => begin((tx) => fn(tracing(tx, target)));
      }
      const value: unknown = Reflect.get(inner, property, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
}

/** Embedded PostgreSQL (PGlite). Its only user is a superuser, so each tenant transaction switches role. */
export function pgliteDatabase(options: PgliteOptions): Database {
  const client = tracing(options.client as unknown as Queryable, {
    service: options.service ?? "db",
    database: "pglite",
  }) as unknown as PGlite;
  const db = drizzle({ client }) as unknown as Tx;
  return {
    driver: "pglite",
    tenant: (tenantId, fn) =>
      asTransaction("tenant transaction", () =>
        db.transaction(async (tx) => {
          await tx.execute(
            sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${options.appRole}, true)`,
          );
          return fn(tx as unknown as Tx);
        }),
      ),
    privileged: (fn) =>
      asTransaction("privileged transaction", () =>
        db.transaction(async (tx) => {
          await tx.execute(PLATFORM_SCOPE);
          return fn(tx as unknown as Tx);
        }),
      ),
    async ping() {
      assertNoOpenTransaction("A database ping");
      await options.client.query("select 1");
    },
    async close() {
      if (options.ownsClient) {
        await options.client.close();
      }
    },
  };
}
