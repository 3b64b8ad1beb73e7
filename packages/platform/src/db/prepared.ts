import type { Tx } from "./types.ts";

/** What drizzle's query builders give `prepare(name)`: a query whose SQL text is already built. */
interface Preparable<R> {
  prepare(name: string): { execute(placeholderValues?: Record<string, unknown>): Promise<R> };
}

interface DriverSession {
  client?: unknown;
}

/**
 * A query built once and run in any transaction. Drizzle renders a query builder chain to SQL on
 * every call (about 35 µs for a primary-key select of a ten-column table, a tenth of a read's CPU);
 * a hot query written with `sql.placeholder("name")` for its values is rendered on its first run
 * and its text reused after, on each transaction's own connection (so row-level security, the
 * tenant and the transaction's snapshot apply exactly as to a query built in place).
 *
 *   const companyById = preparedQuery("companies.byId", (db) =>
 *     db.select().from(companies).where(eq(companies.id, sql.placeholder("id"))));
 *   const rows = await companyById(tx, { id });
 *
 * Relies on drizzle's prepared queries keeping their driver client in `client` (drizzle-orm 0.45,
 * postgres-js and PGlite sessions); the platform's tests fail if that changes.
 */
export function preparedQuery<R>(name: string, build: (db: Tx) => Preparable<R>) {
  /** The query prepared per driver (the session's class): PostgreSQL and PGlite render alike, but map rows their own way. */
  const templates = new Map<unknown, object>();
  return (tx: Tx, values: Record<string, unknown> = {}): Promise<R> => {
    const session = (tx as unknown as { session?: DriverSession }).session;
    if (!session || session.client === undefined) {
      throw new TypeError(
        `preparedQuery ${name}: run it with the transaction Database.tenant or privileged gave`,
      );
    }
    let template = templates.get(session.constructor);
    if (!template) {
      template = build(tx).prepare(name);
      templates.set(session.constructor, template);
    }
    // The same built query, on this transaction's connection.
    const bound = Object.create(template) as {
      client: unknown;
      execute: (v: Record<string, unknown>) => Promise<R>;
    };
    bound.client = session.client;
    return bound.execute(values);
  };
}
