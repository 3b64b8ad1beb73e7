import { createTRPCClient, httpLink, type TRPCClient, TRPCClientError } from "@trpc/client";
import { connectionOf, createLogger, createTokenVerifier, parseTrustedProxies } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, startTcpProxy, type TestDatabase } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
// The organization service runs for real in this process, reached over HTTP. Tests may import its app
// (never production code): `@vextrus/organization` is not a dependency of this package.
import { createApp as createOrganizationApp } from "../../organization/src/app.ts";
import { MIGRATIONS as ORGANIZATION_MIGRATIONS } from "../../organization/src/boot.ts";
import type { OrganizationRouter } from "../../organization/src/router.ts";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { AuthSettings } from "../src/deps.ts";
import type { Clock } from "../src/domain/clock.ts";
import type { SecretMessage } from "../src/domain/courier.ts";
import type { AuthRouter } from "../src/router.ts";

/** A clock the test can move forward (lockouts end without sleeping). */
export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceMinutes(minutes: number) {
    this.offsetMs += minutes * 60_000;
  }
  advanceSeconds(seconds: number) {
    this.offsetMs += seconds * 1_000;
  }
  reset() {
    this.offsetMs = 0;
  }
}

export const SETTINGS: AuthSettings = {
  issuer: "vextrus-auth",
  accessTokenTtlSeconds: 900,
  sessionIdleMinutes: 30,
  sessionMaxHours: 12,
  refreshReuseGraceSeconds: 5,
  loginIpMaxFailures: 8,
  registrationsPerIpPerHour: 3,
  resetRequestsPerIpPerHour: 5,
};

/** A strong password nobody would guess (unrelated words), different per call. */
export const strongPassword = () => `Jute-Harbour-Monsoon-${Bun.randomUUIDv7().slice(-6)}`;

/** A client address of its own, so one test's failures never count against another's. */
export const freshIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

const quiet = () => createLogger({ level: "error", write: () => {} });

type Server = ReturnType<typeof Bun.serve>;
type FetchHandler = (request: Request, server: Server) => Response | Promise<Response>;

/**
 * Auth and organization, both real, each with its own database on the real PostgreSQL server, talking
 * over HTTP: organization verifies tokens with auth's JWKS; auth reaches organization through a TCP
 * proxy the test can take down.
 */
/** What the scheduler and auth share in these suites (`POST /service-tokens`). */
export const SERVICE_TOKEN_SECRET = "scheduler-and-auth-share-this-secret-0123456789";

export async function startAuth(label: string) {
  const orgTestDb = await createTestDatabase(`${label}_org`);
  const authTestDb = await createTestDatabase(`${label}_auth`);
  await migrateService({ url: orgTestDb.url }, "organization", ORGANIZATION_MIGRATIONS);
  await migrateService({ url: authTestDb.url }, "auth", MIGRATIONS);

  let authFetch: FetchHandler | undefined;
  const authServer = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request, server) =>
      authFetch ? authFetch(request, server) : new Response("starting", { status: 503 }),
  });
  const authUrl = `http://127.0.0.1:${authServer.port}`;

  const orgDb: Database = postgresDatabase({ url: orgTestDb.url, appRole: APP_ROLE });
  const orgVerifier = await createTokenVerifier({
    jwksUrl: `${authUrl}/.well-known/jwks.json`,
    issuer: "vextrus-auth",
    jwksCooldownMs: 500,
  });
  const orgApp = createOrganizationApp({ db: orgDb, log: quiet(), verifyToken: orgVerifier });
  const orgServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: orgApp.fetch });
  const orgProxy = startTcpProxy({ host: "127.0.0.1", port: orgServer.port ?? 0 });

  const clock = new TestClock();
  const mailbox: SecretMessage[] = [];
  const logLines: string[] = [];
  const db: Database = postgresDatabase({ url: authTestDb.url, appRole: APP_ROLE });
  const { app, deps } = createApp({
    db,
    log: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
    settings: SETTINGS,
    organizationUrl: `http://127.0.0.1:${orgProxy.port}`,
    serviceTokenSecret: SERVICE_TOKEN_SECRET,
    courier: {
      async deliver(message) {
        mailbox.push(message);
      },
    },
    clock,
  });
  // Served as `npm start` serves it: the gateway on loopback is the one proxy whose X-Forwarded-For
  // is believed, so each client (freshIp) keeps its own per-address limits.
  const loopback = parseTrustedProxies(["127.0.0.1", "::1"]);
  authFetch = (request, server) => app.fetch(request, connectionOf(request, server, loopback));

  const authSql = postgres(authTestDb.url, { max: 2, onnotice: () => {} });
  const orgSql = postgres(orgTestDb.url, { max: 2, onnotice: () => {} });

  const harness = {
    authUrl,
    deps,
    clock,
    mailbox,
    logLines,
    orgProxy,
    /** Superuser connections to each database, for checking what was (not) written. */
    authSql,
    orgSql,
    authDatabaseUrl: authTestDb.url,
    orgDatabaseUrl: orgTestDb.url,
    /** A typed client of auth over real HTTP. */
    client: (options: { token?: string; ip?: string; headers?: Record<string, string> } = {}) =>
      createTRPCClient<AuthRouter>({
        links: [
          httpLink({
            url: `${authUrl}/trpc`,
            transformer: superjson,
            headers: () => ({
              "x-forwarded-for": options.ip ?? freshIp(),
              ...options.headers,
              ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            }),
          }),
        ],
      }),
    /** A typed client of organization over real HTTP (as other services' callers would use it). */
    organization: (token?: string) =>
      createTRPCClient<OrganizationRouter>({
        links: [
          httpLink({
            url: `http://127.0.0.1:${orgServer.port}/trpc`,
            transformer: superjson,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      }),
    /** The invitation token the courier was handed for `userId` (the inviter is never given it). */
    invitationToken(userId: string): string {
      const message = mailbox.find((m) => m.userId === userId && m.purpose === "invite");
      if (!message) {
        throw new Error(`no invitation was handed to the courier for ${userId}`);
      }
      return message.token;
    },
    /** Registers a fresh company and returns its admin's tokens and a client acting as them. */
    async register(hint = "co") {
      const suffix = Bun.randomUUIDv7().slice(-8);
      const password = strongPassword();
      const email = `owner-${suffix}@${hint}.example.com`;
      const slug = `${hint}-${suffix}`;
      const result = await harness.client().registerTenant.mutate({
        tenant: { slug, legalName: `${hint} Builders Ltd` },
        admin: { name: "Rahim Uddin", email, password },
      });
      return { ...result, slug, email, password, api: harness.client({ token: result.accessToken }) };
    },
    /** Invites someone into a registered company with the given roles (and mobile), and signs them in. */
    async member(reg: { slug: string; api: TRPCClient<AuthRouter> }, roleIds: string[], mobile?: string) {
      const email = `m-${Bun.randomUUIDv7().slice(-8)}@example.com`;
      const invited = await reg.api.users.invite.mutate({ name: "Member Person", email, roleIds, mobile });
      const password = strongPassword();
      await harness
        .client()
        .invites.accept.mutate({ token: harness.invitationToken(invited.user.id), password });
      const login = await harness
        .client()
        .login.mutate({ tenantSlug: reg.slug, identifier: email, password });
      return {
        user: invited.user,
        email,
        password,
        login,
        api: harness.client({ token: login.accessToken }),
      };
    },
    async stop() {
      authServer.stop(true);
      orgServer.stop(true);
      orgProxy.stop();
      await authSql.end();
      await orgSql.end();
      await db.close();
      await orgDb.close();
      await dropAll([authTestDb, orgTestDb]);
    },
  };
  return harness;
}

async function dropAll(dbs: TestDatabase[]) {
  for (const testDb of dbs) {
    await testDb.drop();
  }
}

export type AuthHarness = Awaited<ReturnType<typeof startAuth>>;
export type AuthClient = ReturnType<AuthHarness["client"]>;

/** What a failed call answered: tRPC code, HTTP status, app code, message and field issues. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) {
      throw error;
    }
    const data = (error.data ?? {}) as {
      code?: string;
      httpStatus?: number;
      appCode?: string;
      issues?: { path: string; code: string; message: string }[];
    };
    return {
      message: error.message,
      code: data.code,
      httpStatus: data.httpStatus,
      appCode: data.appCode,
      issues: data.issues ?? [],
    };
  }
  throw new Error("expected the call to fail");
}
