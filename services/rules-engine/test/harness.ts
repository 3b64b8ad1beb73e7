import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, type TestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { RuleSetCache } from "../src/engine/cache.ts";
import type { RulesRouter } from "../src/router.ts";

export const ALL_RULES_PERMISSIONS = ["rules:*"];

/**
 * A real rules engine for one test file: its own database on the real PostgreSQL server, migrated
 * with the committed migrations, its app answering HTTP requests in-process.
 */
export async function startRules(label: string) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "rules-engine", MIGRATIONS);
  const signer = await createTestSigner();
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const logLines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const cache = new RuleSetCache({ ttlMs: 60_000 });
  const app = createApp({ db, log, verifyToken, cache });
  return {
    app,
    db,
    cache,
    signer,
    logLines,
    databaseUrl: testDb.url,
    client: (token?: string, headers: Record<string, string> = {}) => clientFor(app, token, headers),
    /** A fresh tenant (no packs) and a client acting for it with the given permissions. */
    async newTenant(permissions: readonly string[] = ALL_RULES_PERMISSIONS) {
      const tenantId = Bun.randomUUIDv7();
      const token = await signer.sign({ tenantId, permissions });
      return { tenantId, token, api: clientFor(app, token) };
    },
    async stop() {
      await db.close();
      await testDb.drop();
    },
  };
}

export type RulesHarness = Awaited<ReturnType<typeof startRules>>;
export type RulesApi = ReturnType<typeof clientFor>;
export type { TestSigner };

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<RulesRouter>({
    links: [
      httpLink({
        url: "http://rules-engine.test/trpc",
        transformer: superjson,
        headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

/** The tRPC error a call failed with: code, HTTP status and the field issues. */
export async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as {
        code: string;
        httpStatus: number;
        appCode: string;
        issues?: { path: string; code: string; message: string }[];
      };
      return { message: error.message, ...data };
    }
    throw error;
  }
  throw new Error("expected the call to fail");
}
