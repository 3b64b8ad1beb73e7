import { createTRPCClient, httpLink } from "@trpc/client";
import { type KnownUserStatus, recordUsers } from "@vextrus/known-users";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import type { OrganizationRouter } from "@vextrus/organization/router";
import { knownUsers as orgKnownUsers } from "@vextrus/organization/schema";
import { createLogger, createTokenVerifier, type Stoppable } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, createTestSigner } from "@vextrus/platform/testing";
import { bootRulesEngine } from "@vextrus/rules-engine/boot";
import { RulesEngineEnv } from "@vextrus/rules-engine/env";
import type { RulesRouter } from "@vextrus/rules-engine/router";
import postgres from "postgres";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { knownUsers } from "../src/db/schema.ts";
import type { WorkflowRouter } from "../src/router.ts";

const PLATFORM_PERMISSIONS = ["platform:tenant:create", "platform:tenant:read", "platform:tenant:manage"];

/** What an ordinary employee may do: raise requests, decide and delegate their tasks. */
export const EMPLOYEE = [
  "workflow:process:start",
  "workflow:process:read",
  "workflow:task:read",
  "workflow:task:decide",
  "workflow:task:delegate",
  "workflow:definition:read",
  "organization:chain:read",
  "organization:department:read",
  "rules:evaluation:run",
];
export const VIEWER = ["workflow:process:read", "workflow:task:read", "workflow:definition:read"];
export const ADMIN = ["workflow:*", "organization:*", "rules:*"];

type Fetcher = { fetch(request: Request): Response | Promise<Response> };

/** The workflow service's injected clock: the system clock until a test sets it (never via the API). */
export class TestClock {
  private fixed: Date | null = null;
  readonly now = (): Date => this.fixed ?? new Date();
  set(at: Date): void {
    this.fixed = at;
  }
  reset(): void {
    this.fixed = null;
  }
}

/**
 * A real workflow service for one test file, with a real organization service (served over HTTP on
 * port 0, as workflow reaches it in production) sharing one fresh database on the real PostgreSQL.
 */
export async function startWorkflow(label: string, options: { withRules?: boolean } = {}) {
  const testDb = await createTestDatabase(label);
  const signer = await createTestSigner();
  const log = createLogger({ level: "error", write: () => {} });
  const orgEnv = OrganizationEnv.parse({ DATABASE_URL: testDb.url, JWT_PUBLIC_KEY: signer.publicKey });
  const organization = await bootOrganization({ ...orgEnv, PORT: 0 }, { log });
  const rules = options.withRules
    ? await bootRulesEngine(
        { ...RulesEngineEnv.parse({ DATABASE_URL: testDb.url, JWT_PUBLIC_KEY: signer.publicKey }), PORT: 0 },
        { log },
      )
    : undefined;
  await migrateService({ url: testDb.url }, "workflow", MIGRATIONS);
  const db: Database = postgresDatabase({ url: testDb.url, appRole: APP_ROLE });
  const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
  const logLines: string[] = [];
  const clock = new TestClock();
  const app = createApp({
    clock: clock.now,
    db,
    log: createLogger({ level: "debug", write: (line) => logLines.push(line) }),
    verifyToken,
    organization: { url: organization.url },
    // Without the rules engine, port 9 (discard) answers nothing: only definitions without rule sets work.
    rules: { url: rules?.url ?? "http://127.0.0.1:9" },
    upstreamTimeoutMs: 2_000,
  });
  const sql = postgres(testDb.url, { max: 2, onnotice: () => {} });
  return {
    app,
    db,
    sql,
    signer,
    logLines,
    clock,
    organizationUrl: organization.url,
    client: (token?: string, locale: "en" | "bn" = "en") => workflowClient(app, token, locale),
    orgClient: (token: string) => organizationClient(organization.url, token),
    /** Registers a tenant in organization (as a platform operator); returns its id and an admin token. */
    async newTenant(hint = "t") {
      const operator = await signer.sign({ tenantId: Bun.randomUUIDv7(), permissions: PLATFORM_PERMISSIONS });
      const tenant = await organizationClient(organization.url, operator).tenants.create.mutate({
        slug: `${hint}-${Bun.randomUUIDv7().slice(-8)}`,
        legalName: `${hint} Builders Ltd`,
      });
      const adminId = Bun.randomUUIDv7();
      const adminToken = await signer.sign({ tenantId: tenant.id, userId: adminId, permissions: ADMIN });
      if (rules) {
        await rulesClient(rules.url, adminToken).packs.install.mutate();
      }
      return { tenantId: tenant.id, adminId, adminToken };
    },
    token: (tenantId: string, userId: string, permissions: readonly string[] = EMPLOYEE) =>
      signer.sign({ tenantId, userId, permissions }),
    /**
     * Makes `userId` a user of `tenantId` in organization's and workflow's projections, as auth's
     * events would (this suite runs no auth).
     */
    knownUser: (tenantId: string, userId: string, status: KnownUserStatus = "active", version = 1) =>
      db.tenant(tenantId, async (tx) => {
        for (const table of [orgKnownUsers, knownUsers]) {
          await recordUsers(tx, table, tenantId, [{ userId, status, version }]);
        }
      }),
    async stop() {
      await sql.end({ timeout: 5 });
      // A read-only transaction answers before its pipelined COMMIT completes; closing the pool while
      // that COMMIT is in flight makes postgres.js wait out its whole 5 s timeout.
      await Bun.sleep(50);
      await db.close();
      await stopAll(organization.parts);
      await stopAll(rules?.parts ?? []);
      await testDb.drop();
    },
  };
}

export type WorkflowHarness = Awaited<ReturnType<typeof startWorkflow>>;

/** Stops the other services; an HTTP server still holding our keep-alive connections gets 1 s. */
async function stopAll(parts: readonly Stoppable[]) {
  for (const part of parts) {
    await Promise.race([part.stop(), Bun.sleep(1_000)]);
  }
}

export function workflowClient(app: Fetcher, token?: string, locale: "en" | "bn" = "en") {
  return createTRPCClient<WorkflowRouter>({
    links: [
      httpLink({
        url: "http://workflow.test/trpc",
        transformer: superjson,
        headers: () => ({
          "accept-language": locale,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        }),
        fetch: (url, init) => Promise.resolve(app.fetch(new Request(url, init as RequestInit))),
      }),
    ],
  });
}

export function organizationClient(url: string, token: string) {
  return createTRPCClient<OrganizationRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

export function rulesClient(url: string, token: string) {
  return createTRPCClient<RulesRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: () => ({ authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

export interface Person {
  userId: string;
  token: string;
}

/**
 * The company: engineer → project manager (5,00,000) → director (50,00,000) → managing
 * director (5,00,00,000), each reporting to the next, plus three board members and a viewer.
 */
export async function buildCompany(h: WorkflowHarness, hint = "co") {
  const { tenantId, adminId, adminToken } = await h.newTenant(hint);
  const org = h.orgClient(adminToken);
  const company = await org.companies.create.mutate({ name: "Rupayan Housing" });
  const department = await org.departments.create.mutate({ companyId: company.id, name: "Site A" });
  const designation = (name: string, rank: number, approvalLimit: string) =>
    org.designations.create.mutate({ name, rank, approvalLimit });
  const engineerD = await designation("Site Engineer", 1, "0");
  const pmD = await designation("Project Manager", 2, "500000");
  const directorD = await designation("Director", 3, "5000000");
  const mdD = await designation("Managing Director", 4, "50000000");
  const person = async (permissions: readonly string[] = EMPLOYEE): Promise<Person> => {
    const userId = Bun.randomUUIDv7();
    await h.knownUser(tenantId, userId);
    return { userId, token: await h.token(tenantId, userId, permissions) };
  };
  const join = (p: Person, designationId: string, reportsTo?: Person) =>
    org.memberships.create.mutate({
      userId: p.userId,
      companyId: company.id,
      departmentId: department.id,
      designationId,
      ...(reportsTo ? { reportsToUserId: reportsTo.userId } : {}),
    });
  const md = await person();
  const director = await person();
  const pm = await person();
  const engineer = await person();
  await join(md, mdD.id);
  await join(director, directorD.id, md);
  await join(pm, pmD.id, director);
  await join(engineer, engineerD.id, pm);
  const board = [await person(), await person(), await person()];
  const viewer = await person(VIEWER);
  const outsider = await person();
  const admin = { userId: adminId, token: adminToken };
  return {
    tenantId,
    departmentId: department.id,
    admin,
    md,
    director,
    pm,
    engineer,
    board,
    viewer,
    outsider,
  };
}

export type Company = Awaited<ReturnType<typeof buildCompany>>;

/** A definition of `key` with the board as its committee (no rule sets unless given). */
export async function defineProcess(
  h: WorkflowHarness,
  co: Company,
  key = "purchase.requisition",
  extra: { ruleSets?: string[]; slaHours?: number } = {},
) {
  return h.client(co.admin.token).definitions.create.mutate({
    key,
    name: "Purchase requisition",
    ruleSets: extra.ruleSets ?? [],
    slaHours: extra.slaHours ?? 24,
    committees: [{ name: "board", members: co.board.map((b) => b.userId) }],
  });
}
