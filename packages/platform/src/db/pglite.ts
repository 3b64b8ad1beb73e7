import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { assertNoOpenTransaction, asTransaction } from "./guard.ts";
import { type Database, PLATFORM_SCOPE, type Tx } from "./types.ts";

export interface PgliteOptions {
  client: PGlite;
  appRole: string;
  /** Embedded mode shares one PGlite between services: only its owner closes it. */
  ownsClient?: boolean;
}

/** Embedded PostgreSQL (PGlite). Its only user is a superuser, so each tenant transaction switches role. */
export function pgliteDatabase(options: PgliteOptions): Database {
  const db = drizzle({ client: options.client }) as unknown as Tx;
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
