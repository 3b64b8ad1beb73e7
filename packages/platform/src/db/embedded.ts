import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/**
 * The embedded database of `npm start` (in `dataDir`, or in memory), with the extensions the
 * services' migrations create: pg_trgm (master-data's name search). PGlite can only create an
 * extension it loaded at start, so every embedded database is opened here.
 */
export function openPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
}
