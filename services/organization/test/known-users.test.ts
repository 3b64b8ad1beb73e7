/**
 * Memberships name only active users of the caller's tenant, as auth knows them. Real auth (booted as
 * in production, publishing through its outbox to a real Kafka broker), real organization on real
 * PostgreSQL, organization's known-users consumer on Kafka, and auth reached through a TCP proxy the
 * test can take down (so a test can tell the projection from the lookup in auth).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import type { AuthRouter } from "@vextrus/auth/router";
import {
  type Booted,
  buildEvent,
  CloudEvent,
  createCatalogTopics,
  kafkaTransport,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import { startKnownUsersConsumer } from "@vextrus/known-users";
import { createLogger, createTokenVerifier, type Stoppable } from "@vextrus/platform";
import { APP_ROLE, type Database, migrateService, postgresDatabase } from "@vextrus/platform/db";
import {
  createTestDatabase,
  kafkaBrokers,
  portForLater,
  startTcpProxy,
  type TestDatabase,
} from "@vextrus/platform/testing";
import postgres from "postgres";
import { Registry } from "prom-client";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import { inbox, knownUsers } from "../src/db/schema.ts";
import { clientFor } from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });
const prefix = `t-ku-${Bun.randomUUIDv7().slice(-8)}.`;
const TOPICS = [
  "vextrus.auth.user",
  "vextrus.auth.session",
  "vextrus.auth.role",
  "vextrus.auth.api_key",
  "vextrus.auth.signing_key",
  "vextrus.organization.tenant",
];

let authDb: TestDatabase;
let orgDb: TestDatabase;
let db: Database;
let superuser: postgres.Sql;
let authSql: postgres.Sql;
let transport: Transport;
let topicNames: string[] = [];
let auth: Booted;
let orgServer: ReturnType<typeof Bun.serve>;
let authProxy: ReturnType<typeof startTcpProxy>;
let consumer: Stoppable[] | undefined;
const registry = new Registry();

const freePort = () => portForLater();

beforeAll(async () => {
  authDb = await createTestDatabase("ku_auth");
  orgDb = await createTestDatabase("ku_org");
  await migrateService({ url: orgDb.url }, "organization", MIGRATIONS);
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: TOPICS }),
  );
  topicNames = created.map((t) => t.name);
  transport = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "known-users-test",
    log,
    topicPrefix: prefix,
  });
  const authPort = freePort();
  authProxy = startTcpProxy({ host: "127.0.0.1", port: authPort });
  db = postgresDatabase({ url: orgDb.url, appRole: APP_ROLE });
  const verifyToken = await createTokenVerifier({
    jwksUrl: `http://127.0.0.1:${authPort}/.well-known/jwks.json`,
    issuer: "vextrus-auth",
    jwksCooldownMs: 500,
  });
  const app = createApp({
    db,
    log,
    verifyToken,
    auth: { url: `http://127.0.0.1:${authProxy.port}` },
    upstreamTimeoutMs: 2_000,
  });
  orgServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  auth = await bootAuth(
    {
      ...AuthEnv.parse({
        DATABASE_URL: authDb.url,
        ORGANIZATION_URL: `http://127.0.0.1:${orgServer.port}`,
        LOG_LEVEL: "error",
        REGISTRATIONS_PER_IP_PER_HOUR: "1000",
      }),
      PORT: authPort,
    },
    { log, bus: transport },
  );
  superuser = postgres(orgDb.url, { max: 2, onnotice: () => {} });
  authSql = postgres(authDb.url, { max: 1, onnotice: () => {} });
}, 90_000);

afterAll(async () => {
  await consumerRunning(false);
  for (const part of auth.parts) {
    await Promise.race([part.stop(), Bun.sleep(2_000)]);
  }
  orgServer.stop(true);
  authProxy.stop();
  await transport.close();
  await superuser.end();
  await authSql.end();
  await db.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
  await authDb.drop();
  await orgDb.drop();
}, 60_000);

/** Starts or stops organization's known-users consumer (a test of the lookup in auth needs it stopped). */
async function consumerRunning(on: boolean) {
  if (on && !consumer) {
    consumer = await startKnownUsersConsumer({
      service: "organization",
      db,
      inbox,
      table: knownUsers,
      transport,
      log,
      registry,
    });
  } else if (!on && consumer) {
    for (const part of consumer) {
      await part.stop();
    }
    consumer = undefined;
  }
}

const authClient = (token?: string) =>
  createTRPCClient<AuthRouter>({
    links: [
      httpLink({
        url: `${auth.url}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });

/** A company signed up through auth (which creates its tenant here), with a place to put members. */
async function company(hint: string) {
  const suffix = Bun.randomUUIDv7().slice(-8);
  const registered = await authClient().registerTenant.mutate({
    tenant: { slug: `${hint}-${suffix}`, legalName: `${hint} Builders Ltd` },
    admin: {
      name: "Rahim Uddin",
      email: `owner-${suffix}@${hint}.example.com`,
      password: `Jute-Harbour-${suffix}`,
    },
  });
  const token = registered.accessToken;
  const org = clientFor({ fetch: (request) => orgServer.fetch(request) }, token);
  const bn = clientFor({ fetch: (request) => orgServer.fetch(request) }, token, { "accept-language": "bn" });
  const companyRow = await org.companies.create.mutate({ name: `${hint} Company` });
  const department = await org.departments.create.mutate({ companyId: companyRow.id, name: "Site A" });
  const designation = await org.designations.create.mutate({ name: "Engineer", rank: 1, approvalLimit: "0" });
  const place = { companyId: companyRow.id, departmentId: department.id, designationId: designation.id };
  const users = authClient(token).users;
  return {
    tenantId: registered.tenant.id,
    adminId: registered.user.id,
    org,
    bn,
    place,
    /** Invites a person in auth; returns their user id. */
    invite: async (name: string) =>
      (
        await users.invite.mutate({
          name,
          email: `${name.toLowerCase()}-${Bun.randomUUIDv7().slice(-8)}@x.example.com`,
        })
      ).user.id,
    deactivate: (id: string) => users.deactivate.mutate({ id }),
  };
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCClientError);
    const e = error as TRPCClientError<AuthRouter>;
    const data = e.data as { code: string; appCode: string; issues?: { path: string }[] };
    return {
      message: e.message,
      code: data.code,
      appCode: data.appCode,
      fields: (data.issues ?? []).map((i) => i.path),
    };
  }
  throw new Error("expected the call to be refused");
}

async function projected(tenantId: string, userId: string) {
  const rows = await superuser<{ status: string; version: number }[]>`
    select status, version from organization.known_users where tenant_id = ${tenantId} and user_id = ${userId}`;
  return rows[0];
}

/** Waits until organization's projection shows the user with `status`. */
async function until(tenantId: string, userId: string, status: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await projected(tenantId, userId))?.status === status) {
      return;
    }
    await Bun.sleep(100);
  }
  throw new Error(`${userId} never became ${status} in the projection`);
}

/** organization's count of user ids answered by `answer` (projection, auth or unknown). */
async function checked(answer: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${orgServer.port}/metrics`)).text();
  const line = new RegExp(
    `^vextrus_organization_user_checks_total\\{[^}]*answer="${answer}"[^}]*\\} (\\d+)$`,
    "m",
  );
  return Number(line.exec(text)?.[1] ?? 0);
}

async function duplicatesSkipped(): Promise<number> {
  const metric = await registry.getSingleMetric("vextrus_events_duplicates_skipped_total")?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

describe("memberships name only active users of the caller's tenant", () => {
  test("without the projection: auth is asked with the caller's token, and its answer is recorded", async () => {
    await consumerRunning(false);
    const a = await company("fallback");
    const b = await company("other");
    const person = await a.invite("Karim");
    expect(await projected(a.tenantId, person)).toBeUndefined();
    const fromAuth = await checked("auth");

    await a.org.memberships.create.mutate({ ...a.place, userId: a.adminId });
    const member = await a.org.memberships.create.mutate({
      ...a.place,
      userId: person,
      reportsToUserId: a.adminId,
    });
    expect(member.userId).toBe(person);
    expect(await projected(a.tenantId, person)).toEqual({ status: "active", version: 1 });
    expect(await projected(a.tenantId, a.adminId)).toEqual({ status: "active", version: 1 });
    expect(await checked("auth")).toBe(fromAuth + 2);

    const random = await refusal(a.org.memberships.create.mutate({ ...a.place, userId: Bun.randomUUIDv7() }));
    expect(random).toMatchObject({ code: "BAD_REQUEST", appCode: "user.unknown", fields: ["userId"] });
    expect(random.message).toBe("userId: No user with this id belongs to this organisation");
    const foreign = await refusal(
      a.org.memberships.create.mutate({
        ...a.place,
        userId: await a.invite("Salma"),
        reportsToUserId: b.adminId,
      }),
    );
    expect(foreign).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "user.unknown",
      fields: ["reportsToUserId"],
    });
    expect(await projected(a.tenantId, b.adminId)).toBeUndefined();

    const gone = await a.invite("Jamal");
    await a.deactivate(gone);
    const deactivated = await refusal(a.bn.memberships.create.mutate({ ...a.place, userId: gone }));
    expect(deactivated).toMatchObject({
      code: "BAD_REQUEST",
      appCode: "user.deactivated",
      fields: ["userId"],
    });
    expect(deactivated.message).toBe("userId: এই ব্যবহারকারী নিষ্ক্রিয়, তাঁকে নতুন দায়িত্ব দেওয়া যাবে না");
    expect(await projected(a.tenantId, gone)).toEqual({ status: "deactivated", version: 2 });
  }, 60_000);

  test("from the projection: auth's events make users known while auth itself cannot be reached", async () => {
    await consumerRunning(true);
    const a = await company("events");
    const b = await company("stranger");
    const person = await a.invite("Nasrin");
    const boss = await a.invite("Habib");
    const gone = await a.invite("Rupa");
    await a.deactivate(gone);
    await until(a.tenantId, person, "active");
    await until(a.tenantId, boss, "active");
    await until(a.tenantId, gone, "deactivated");
    await until(b.tenantId, b.adminId, "active");

    const fromProjection = await checked("projection");
    authProxy.setMode("down");
    try {
      await a.org.memberships.create.mutate({ ...a.place, userId: boss });
      const member = await a.org.memberships.create.mutate({
        ...a.place,
        userId: person,
        reportsToUserId: boss,
      });
      expect(member.reportsToUserId).toBe(boss);
      expect(await checked("projection")).toBeGreaterThanOrEqual(fromProjection + 3);
      const retired = await refusal(
        a.org.memberships.update.mutate({
          id: member.id,
          reportsToUserId: gone,
          expectedVersion: member.version,
        }),
      );
      expect(retired).toMatchObject({ appCode: "user.deactivated", fields: ["reportsToUserId"] });
      // B's admin is in the projection, under B's tenant only: A's check cannot see them, and with auth
      // unreachable it says so rather than calling the id unknown.
      const foreign = await refusal(a.org.memberships.create.mutate({ ...a.place, userId: b.adminId }));
      expect(foreign).toMatchObject({ code: "SERVICE_UNAVAILABLE", appCode: "upstream.unavailable" });
    } finally {
      authProxy.setMode("pass");
    }
    const foreign = await refusal(a.org.memberships.create.mutate({ ...a.place, userId: b.adminId }));
    expect(foreign).toMatchObject({ code: "BAD_REQUEST", appCode: "user.unknown", fields: ["userId"] });
  }, 60_000);

  test("the projection applies each event once; a redelivered or older event changes nothing", async () => {
    await consumerRunning(true);
    const a = await company("redeliver");
    const person = await a.invite("Shirin");
    await a.deactivate(person);
    await until(a.tenantId, person, "deactivated");
    const rows = await authSql<{ event: unknown }[]>`
      select event from auth.outbox where key = ${person} and topic = 'vextrus.auth.user' order by id`;
    const events = rows.map((row) => CloudEvent.parse(row.event));
    expect(events.map((e) => e.type)).toEqual(["vextrus.auth.user.invited", "vextrus.auth.user.deactivated"]);
    const skippedBefore = await duplicatesSkipped();
    const publisher = transport.publisher("redelivery-test");
    // The same two events again (a redelivery), then a new event claiming an older state.
    const stale = buildEvent({
      type: "vextrus.auth.user.invited",
      subject: person,
      tenantId: a.tenantId,
      data: { userId: person, email: "late@x.example.com", version: 1 },
    });
    await publisher.send([
      ...events.map((event) => ({ topic: "vextrus.auth.user", key: person, value: JSON.stringify(event) })),
      { topic: stale.topic, key: stale.key, value: JSON.stringify(stale.event) },
    ]);
    await publisher.close();
    const inboxed = async (ids: string[]) =>
      (
        await superuser<{ n: number }[]>`
          select count(*)::int as n from organization.inbox where event_id in ${superuser(ids)}`
      )[0]?.n;
    const deadline = Date.now() + 20_000;
    while (
      ((await duplicatesSkipped()) < skippedBefore + 2 || (await inboxed([stale.event.id])) === 0) &&
      Date.now() < deadline
    ) {
      await Bun.sleep(100);
    }
    expect(await duplicatesSkipped()).toBe(skippedBefore + 2);
    expect(await inboxed([stale.event.id])).toBe(1);
    expect(await inboxed(events.map((e) => e.id))).toBe(2);
    expect(await projected(a.tenantId, person)).toEqual({ status: "deactivated", version: 2 });
    expect((await refusal(a.org.memberships.create.mutate({ ...a.place, userId: person }))).appCode).toBe(
      "user.deactivated",
    );
  }, 60_000);
});
