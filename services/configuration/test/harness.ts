import { createTRPCClient, httpLink } from "@trpc/client";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, type TestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { ConfigurationRouter } from "../src/router.ts";

/** A clock tests can move: the service never takes "now" from a caller. */
export class TestClock {
  constructor(private now = new Date("2026-06-15T06:00:00.000Z")) {}
  read = () => new Date(this.now);
  set(at: string) {
    this.now = new Date(at);
  }
}

/**
 * A real configuration service for one test file: its own database on the real PostgreSQL server,
 * migrated with the committed migrations, its app answering in-process, a movable clock.
 */
export async function startConfiguration(label: string) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "configuration", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const clock = new TestClock();
  const logLines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const app = createApp({ db, log, verifyToken, clock: clock.read });
  return {
    app,
    db,
    signer,
    clock,
    logLines,
    databaseUrl: testDb.url,
    client: (token?: string, headers: Record<string, string> = {}) => clientFor(app, token, headers),
    /** A fresh tenant's caller with `permissions` (every configuration permission by default). */
    async tenant(permissions: readonly string[] = ["configuration:*"]) {
      const tenantId = Bun.randomUUIDv7();
      const userId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, userId, permissions });
      return { tenantId, userId, token, api: clientFor(app, token) };
    },
    async stop() {
      await db.close();
      await testDb.drop();
    },
  };
}

export type ConfigHarness = Awaited<ReturnType<typeof startConfiguration>>;
export type { TestSigner };

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<ConfigurationRouter>({
    links: [
      httpLink({
        url: "http://configuration.test/trpc",
        transformer: superjson,
        headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}
