import { createTRPCClient, httpLink } from "@trpc/client";
import { type KnownUserStatus, recordUsers } from "@vextrus/known-users";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner, type TestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { knownUsers } from "../src/db/schema.ts";
import type { OrganizationRouter } from "../src/router.ts";

export const PLATFORM_PERMISSIONS = [
  "platform:tenant:create",
  "platform:tenant:read",
  "platform:tenant:manage",
];

/**
 * A real organization service for one test file: its own database on the real PostgreSQL server,
 * migrated with the committed migrations, and its app answering HTTP requests in-process.
 */
export async function startOrganization(label: string, options: { databaseUrl?: string } = {}) {
  const testDb = await createTestDatabase(label);
  await migrateService({ url: testDb.url }, "organization", MIGRATIONS);
  const signer = await createTestSigner();
  const { createTokenVerifier } = await import("@vextrus/platform");
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const db: Database = postgresDatabase({ url: options.databaseUrl ?? testDb.url, appRole: APP_ROLE });
  const logLines: string[] = [];
  const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const app = createApp({ db, log, verifyToken });
  return {
    app,
    db,
    signer,
    logLines,
    databaseUrl: testDb.url,
    client: (token?: string, headers: Record<string, string> = {}) => clientFor(app, token, headers),
    /** Registers a fresh tenant (as a platform operator) and returns an admin token for it. */
    async newTenant(slugHint = "t", permissions: readonly string[] = ["organization:*"]) {
      const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
      const tenant = await clientFor(app, operator).tenants.create.mutate({
        slug: `${slugHint}-${Bun.randomUUIDv7().slice(-8)}`,
        legalName: `${slugHint} Builders Ltd`,
      });
      const token = await signer.sign({ tenantId: tenant.id, permissions });
      return { tenant, token, operator, api: clientFor(app, token) };
    },
    /**
     * A user of `tenantId` as auth's events would make them known here (this suite runs no auth);
     * returns their id.
     */
    async user(tenantId: string, status: KnownUserStatus = "active") {
      const userId = Bun.randomUUIDv7();
      await db.tenant(tenantId, (tx) =>
        recordUsers(tx, knownUsers, tenantId, [{ userId, status, version: 1 }]),
      );
      return userId;
    },
    async stop() {
      await db.close();
      await testDb.drop();
    },
  };
}

export type OrgHarness = Awaited<ReturnType<typeof startOrganization>>;
export type { TestSigner };

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

export function clientFor(app: Fetcher, token?: string, headers: Record<string, string> = {}) {
  return createTRPCClient<OrganizationRouter>({
    links: [
      httpLink({
        url: "http://organization.test/trpc",
        transformer: superjson,
        headers: () => ({ ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}
