import { startSpan } from "../telemetry.ts";
import { currentTraceparent } from "../trace.ts";

/** What a statement span names besides the statement: whose database, and which one. */
export interface SpanTarget {
  service: string;
  database: string;
}

/** The longest statement text a span carries (a generated IN list can be long). */
const MAX_STATEMENT = 4_000;

/**
 * The client span of one SQL statement (tracing on), a child of the request or event being handled:
 * `db.system`, `db.name` and `db.statement` (the text drizzle sends, with `$1` placeholders: parameter
 * values never leave the process). The caller ends it when the statement is answered. The same for
 * PostgreSQL and the embedded PGlite (which is PostgreSQL).
 */
export function statementSpan(text: string, target: SpanTarget) {
  const statement = text.length > MAX_STATEMENT ? `${text.slice(0, MAX_STATEMENT)}…` : text;
  return startSpan(
    {
      service: target.service,
      name: `${statement.trimStart().split(/\s/, 1)[0]?.toUpperCase() || "SQL"} ${target.database}`,
      kind: "client",
      attributes: {
        "db.system": "postgresql",
        "db.name": target.database,
        "db.statement": statement,
      },
    },
    currentTraceparent(),
  );
}
