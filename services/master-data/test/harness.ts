import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { MasterDataRouter } from "../src/router.ts";

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

/**
 * A real master-data service for one test file: its own database on the real PostgreSQL server,
 * migrated with the committed migrations, its app answering HTTP in-process, and a clock tests move.
 */
export async function startMasterData(label: string) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "master-data", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const logLines: string[] = [];
  const clock = { now: new Date("2025-08-15T04:00:00Z") };
  const app = createApp({
    db,
    log: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
    verifyToken,
    now: () => clock.now,
  });
  const sql = postgres(testDb.url, { max: 2, onnotice: () => {} });
  return {
    app,
    db,
    sql,
    clock,
    logLines,
    client: (token?: string, headers: Record<string, string> = {}) => clientFor(app, token, headers),
    /** A fresh tenant (its id and an admin client); master-data keeps no tenant table of its own. */
    async newTenant(permissions: readonly string[] = ["master-data:*"]) {
      const tenantId = Bun.randomUUIDv7();
      const userId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: clientFor(app, token) };
    },
    token: (tenantId: string, permissions: readonly string[]) => signer.sign({ tenantId, permissions }),
    /** The events written to the outbox for a tenant, oldest first (as the superuser). */
    async events(tenantId: string) {
      const rows = await sql`select event from master_data.outbox where tenant_id = ${tenantId} order by id`;
      return rows.map(
        (row) =>
          row.event as { type: string; subject: string; actorid?: string; data: Record<string, unknown> },
      );
    },
    async count(table: string) {
      const [row] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from master_data.${table}`);
      return row?.n ?? 0;
    },
    async stop() {
      await sql.end({ timeout: 5 });
      await Bun.sleep(50);
      await db.close();
      await testDb.drop();
    },
  };
}

export type MdHarness = Awaited<ReturnType<typeof startMasterData>>;

export function clientFor(app: Fetcher, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<MasterDataRouter>({
    links: [
      httpLink({
        url: "http://master-data.test/trpc",
        transformer: superjson,
        headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

export interface Failure {
  code: string;
  httpStatus: number;
  appCode: string;
  issues?: { path: string; code: string; message: string }[];
  message: string;
}

/** Awaits a call that must fail and returns its tRPC error data (code, appCode, issues). */
export async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) {
      throw error;
    }
    return { ...(error.data as Omit<Failure, "message">), message: error.message };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
