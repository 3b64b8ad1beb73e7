import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  createCatalogTopics,
  createInProcessBus,
  type DeliveredMessage,
  decodeEvent,
  kafkaTransport,
  postgresListener,
  startRelay,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, postgresDatabase } from "@vextrus/platform/db";
import { createTestDatabase, kafkaBrokers } from "@vextrus/platform/testing";
import postgres from "postgres";
import { bootOrganization } from "../../organization/src/boot.ts";
import { outbox as organizationOutbox } from "../../organization/src/db/schema.ts";
import { OrganizationEnv } from "../../organization/src/env.ts";
import { bootAuth } from "../src/boot.ts";
import { outbox } from "../src/db/schema.ts";
import { signServiceToken } from "../src/domain/tokens.ts";
import { AuthEnv } from "../src/env.ts";
import { startAuthEvents } from "../src/events.ts";
import { type AuthHarness, failure, startAuth, strongPassword } from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });
const prefix = `t-auth-${Bun.randomUUIDv7().slice(-8)}.`;
const AUTH_TOPICS = ["vextrus.auth.user", "vextrus.auth.session"];

let h: AuthHarness;
let transport: Transport;
let topicNames: string[] = [];

beforeAll(async () => {
  h = await startAuth("events");
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: AUTH_TOPICS }),
  );
  topicNames = created.map((t) => t.name);
  transport = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "auth-events-test",
    log,
    topicPrefix: prefix,
  });
}, 60_000);

afterAll(async () => {
  await transport.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
  await h.stop();
}, 30_000);

/**
 * Subscribes (a new consumer group, from the beginning) and resolves `events` once `done` says enough
 * or after `timeoutMs`.
 */
async function collect(
  bus: Transport,
  topics: string[],
  done: (types: { type: string; tenantid: string }[]) => boolean,
  timeoutMs = 20_000,
) {
  const seen: { type: string; tenantid: string }[] = [];
  const enough = Promise.withResolvers<void>();
  const subscription = await bus.subscribe({
    group: `reader-${Bun.randomUUIDv7()}`,
    topics,
    onBatch: async (messages: DeliveredMessage[]) => {
      for (const message of messages) {
        const decoded = decodeEvent(message.value);
        if ("event" in decoded) {
          seen.push({ type: decoded.event.type, tenantid: decoded.event.tenantid });
        }
      }
      if (done(seen)) {
        enough.resolve();
      }
    },
  });
  const timer = setTimeout(() => enough.resolve(), timeoutMs);
  const events = enough.promise.then(async () => {
    clearTimeout(timer);
    await subscription.stop();
    return seen;
  });
  return { events };
}

describe("events leave through the outbox", () => {
  test("registration and sign-in reach Kafka through the relay (real broker)", async () => {
    const db = postgresDatabase({ url: h.authDatabaseUrl, appRole: APP_ROLE });
    const relay = startRelay({
      db,
      outbox,
      publisher: transport.publisher("auth-relay-test"),
      log,
      listen: postgresListener(h.authDatabaseUrl),
    });
    try {
      const reg = await h.register("kafka");
      await h.client().login.mutate({ tenantSlug: reg.slug, identifier: reg.email, password: reg.password });
      const wanted = ["vextrus.auth.user.registered", "vextrus.auth.login.succeeded"];
      const { events } = await collect(transport, AUTH_TOPICS, (seen) =>
        wanted.every((w) => seen.some((e) => e.type === w && e.tenantid === reg.tenant.id)),
      );
      const seen = await events;
      const mine = seen.filter((e) => e.tenantid === reg.tenant.id).map((e) => e.type);
      expect(mine).toEqual(expect.arrayContaining(wanted));
    } finally {
      await relay.stop();
      await db.close();
    }
  }, 40_000);
});

describe("events auth consumes", () => {
  test("organization suspends a tenant: its users can no longer sign in or refresh, until it is reactivated", async () => {
    const bus = createInProcessBus({ log });
    const orgDb = postgresDatabase({ url: h.orgDatabaseUrl, appRole: APP_ROLE });
    const authDb = postgresDatabase({ url: h.authDatabaseUrl, appRole: APP_ROLE });
    const relay = startRelay({
      db: orgDb,
      outbox: organizationOutbox,
      publisher: bus.publisher("org-relay-test"),
      log,
      listen: postgresListener(h.orgDatabaseUrl),
    });
    const consumers = await startAuthEvents({ db: authDb, transport: bus, log });
    bus.start();
    const statusOf = async (tenantId: string) =>
      (await h.authSql`select status from auth.tenants where id = ${tenantId}`)[0]?.status as
        | string
        | undefined;
    const waitFor = async (tenantId: string, status: string) => {
      for (let i = 0; i < 100 && (await statusOf(tenantId)) !== status; i++) {
        await Bun.sleep(50);
      }
      return statusOf(tenantId);
    };
    try {
      const reg = await h.register("suspend");
      const operator = await signServiceToken(h.deps, reg.tenant.id, ["platform:tenant:manage"]);
      await h.organization(operator).tenants.suspend.mutate({ tenantId: reg.tenant.id });
      expect(await waitFor(reg.tenant.id, "suspended")).toBe("suspended");
      const login = { tenantSlug: reg.slug, identifier: reg.email, password: reg.password };
      expect((await failure(h.client().login.mutate(login))).appCode).toBe("auth.login.invalid");
      expect((await failure(h.client().refresh.mutate({ refreshToken: reg.refreshToken }))).code).toBe(
        "UNAUTHORIZED",
      );
      expect((await failure(reg.api.me.query())).code).toBe("UNAUTHORIZED");

      await h.organization(operator).tenants.activate.mutate({ tenantId: reg.tenant.id });
      expect(await waitFor(reg.tenant.id, "active")).toBe("active");
      expect((await h.client().login.mutate(login)).user.id).toBe(reg.user.id);
    } finally {
      for (const part of consumers) {
        await part.stop();
      }
      await relay.stop();
      await bus.close();
      await orgDb.close();
      await authDb.close();
    }
  }, 30_000);
});

describe("boot", () => {
  test("bootAuth and bootOrganization wire up from their settings: sign-up, JWKS, readiness with Kafka", async () => {
    const authDb = await createTestDatabase("auth_boot");
    const orgDb = await createTestDatabase("auth_boot_org");
    const free = () => {
      const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      const port = probe.port;
      probe.stop(true);
      return port;
    };
    const orgPort = free();
    const brokers = kafkaBrokers().join(",");
    await withKafkaAdmin(kafkaBrokers(), (admin) =>
      createCatalogTopics(admin, {
        replicationFactor: 1,
        only: [
          "vextrus.organization.tenant",
          ...AUTH_TOPICS,
          "vextrus.auth.role",
          "vextrus.auth.api_key",
          "vextrus.auth.signing_key",
        ],
      }),
    );
    const auth = await bootAuth(
      AuthEnv.parse({
        DATABASE_URL: authDb.url,
        KAFKA_BROKERS: brokers,
        PORT: String(free()),
        ORGANIZATION_URL: `http://127.0.0.1:${orgPort}`,
        SIGNING_KEY_SECRET: "a-secret-of-at-least-thirty-two-characters",
      }),
      { log },
    );
    const organization = await bootOrganization(
      OrganizationEnv.parse({
        DATABASE_URL: orgDb.url,
        KAFKA_BROKERS: brokers,
        PORT: String(orgPort),
        JWKS_URL: `${auth.url}/.well-known/jwks.json`,
      }),
      { log },
    );
    try {
      const response = await fetch(`${auth.url}/trpc/registerTenant`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          json: {
            tenant: { slug: "booted-co", legalName: "Booted Co" },
            admin: { name: "Boot", email: "boot@example.com", password: strongPassword() },
          },
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { data: { json: { accessToken: string } } } };
      const token = body.result.data.json.accessToken;
      const org = await fetch(`${organization.url}/trpc/tenants.get`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(org.status).toBe(200);
      const ready = (await (await fetch(`${auth.url}/health/ready`)).json()) as {
        checks: Record<string, unknown>;
      };
      expect(Object.keys(ready.checks).sort()).toEqual(["kafka", "postgres"]);
      // With SIGNING_KEY_SECRET the private key is sealed at rest.
      const sql = postgres(authDb.url, { max: 1, onnotice: () => {} });
      const keys = await sql`select private_key from auth.signing_keys`;
      await sql.end();
      expect(keys.map((k) => String(k.private_key).split(":")[0])).toEqual(["aesgcm"]);
    } finally {
      for (const part of [...organization.parts, ...auth.parts]) {
        await part.stop();
      }
      await authDb.drop();
      await orgDb.drop();
    }
  }, 60_000);
});
