import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  createCatalogTopics,
  type DeliveredMessage,
  decodeEvent,
  emit,
  kafkaTransport,
  MAINTENANCE_PERMISSION,
  PLATFORM_TENANT_ID,
  postgresListener,
  type Relay,
  startRelay,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import { createLogger } from "@vextrus/platform";
import { createTestDatabase, kafkaBrokers } from "@vextrus/platform/testing";
import postgres from "postgres";
import { bootOrganization } from "../src/boot.ts";
import { outbox } from "../src/db/schema.ts";
import { OrganizationEnv } from "../src/env.ts";
import { type OrgHarness, startOrganization } from "./harness.ts";

const ORG_TOPICS = [
  "vextrus.organization.tenant",
  "vextrus.organization.company",
  "vextrus.organization.branch",
  "vextrus.organization.department",
  "vextrus.organization.designation",
  "vextrus.organization.membership",
];
const prefix = `t-org-${Bun.randomUUIDv7().slice(-8)}.`;
const logLines: string[] = [];
const log = createLogger({ level: "debug", write: (line) => logLines.push(line) });

let h: OrgHarness;
let superuser: postgres.Sql;
let transport: Transport;
let topicNames: string[] = [];

beforeAll(async () => {
  h = await startOrganization("events");
  superuser = postgres(h.databaseUrl, { max: 2, onnotice: () => {} });
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: ORG_TOPICS }),
  );
  topicNames = created.map((t) => t.name);
  transport = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "org-events-test",
    log,
    topicPrefix: prefix,
  });
}, 60_000);

afterAll(async () => {
  await transport.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics: topicNames })).catch(
    () => undefined,
  );
  await superuser.end();
  await h.stop();
}, 30_000);

async function outboxOf(tenantId: string) {
  const rows = await superuser`
    select event from organization.outbox where tenant_id = ${tenantId} order by id`;
  return rows.map(
    (row) => row.event as { id: string; type: string; subject: string; data: Record<string, unknown> },
  );
}

/** Reads `topic` (from the beginning) until `done` says enough. */
async function readUntil(topic: string, done: (seen: DeliveredMessage[]) => boolean, timeoutMs = 20_000) {
  const seen: DeliveredMessage[] = [];
  const enough = Promise.withResolvers<void>();
  const subscription = await transport.subscribe({
    group: `reader-${Bun.randomUUIDv7()}`,
    topics: [topic],
    onBatch: async (messages) => {
      seen.push(...messages);
      if (done(seen)) {
        enough.resolve();
      }
    },
  });
  const timer = setTimeout(() => enough.resolve(), timeoutMs);
  await enough.promise;
  clearTimeout(timer);
  await subscription.stop();
  return seen;
}

const idsOf = (messages: DeliveredMessage[]) =>
  messages.map((m) => (JSON.parse(m.value ?? "{}") as { id: string }).id);

describe("every state change publishes an event through the outbox", () => {
  test("each mutation writes exactly one valid event, with before/after on changes; reads write none", async () => {
    const { tenant, api, operator } = await h.newTenant("ev");
    const company = await api.companies.create.mutate({ name: "Bashundhara Builders" });
    await api.companies.update.mutate({
      id: company.id,
      name: "Bashundhara Builders Ltd",
      expectedVersion: 1,
    });
    const branch = await api.branches.create.mutate({ companyId: company.id, name: "Gulshan" });
    await api.branches.update.mutate({ id: branch.id, district: "Dhaka", expectedVersion: 1 });
    const dept = await api.departments.create.mutate({ companyId: company.id, name: "Civil" });
    await api.departments.update.mutate({ id: dept.id, code: "CIV", expectedVersion: 1 });
    const desig = await api.designations.create.mutate({ name: "Engineer", rank: 1, approvalLimit: "10000" });
    await api.designations.update.mutate({ id: desig.id, approvalLimit: "20000", expectedVersion: 1 });
    const userId = await h.user(tenant.id);
    const member = await api.memberships.create.mutate({
      userId,
      companyId: company.id,
      departmentId: dept.id,
      designationId: desig.id,
    });
    await api.memberships.update.mutate({ id: member.id, reportsToUserId: null, expectedVersion: 1 });
    await api.memberships.archive.mutate({ id: member.id, expectedVersion: 2 });
    await api.designations.archive.mutate({ id: desig.id, expectedVersion: 2 });
    await api.departments.archive.mutate({ id: dept.id, expectedVersion: 2 });
    await api.branches.archive.mutate({ id: branch.id, expectedVersion: 2 });
    await api.companies.archive.mutate({ id: company.id, expectedVersion: 2 });
    const { version } = await api.tenants.get.query();
    await api.tenants.update.mutate({ legalNameBn: "বসুন্ধরা", expectedVersion: version });
    const platform = h.client(operator);
    await platform.tenants.suspend.mutate({ tenantId: tenant.id });
    await platform.tenants.activate.mutate({ tenantId: tenant.id });
    const before = (await outboxOf(tenant.id)).length;
    await api.departments.list.query({ includeArchived: true });
    await api.tenants.get.query();
    await api.chain.forUser.query({ userId }).catch(() => undefined);
    expect((await outboxOf(tenant.id)).length).toBe(before);

    const events = await outboxOf(tenant.id);
    expect(events.map((e) => e.type.replace("vextrus.organization.", ""))).toEqual([
      "tenant.created",
      "company.created",
      "company.updated",
      "branch.created",
      "branch.updated",
      "department.created",
      "department.updated",
      "designation.created",
      "designation.updated",
      "membership.created",
      "membership.updated",
      "membership.archived",
      "designation.archived",
      "department.archived",
      "branch.archived",
      "company.archived",
      "tenant.updated",
      "tenant.suspended",
      "tenant.activated",
    ]);
    for (const event of events) {
      const decoded = decodeEvent(JSON.stringify(event));
      expect("event" in decoded ? decoded.event.source : decoded.error).toBe("/vextrus/organization");
    }
    const companyUpdate = events[2];
    expect(companyUpdate?.subject).toBe(company.id);
    expect(companyUpdate?.data.before).toMatchObject({ name: "Bashundhara Builders" });
    expect(companyUpdate?.data.after).toMatchObject({ name: "Bashundhara Builders Ltd" });
    expect(events.at(-2)?.data.after).toMatchObject({ status: "suspended" });
  });

  test("a mutation that fails writes no event", async () => {
    const { tenant, api } = await h.newTenant("fail");
    const company = await api.companies.create.mutate({ name: "Once" });
    const parent = await api.departments.create.mutate({ companyId: company.id, name: "Parent" });
    const child = await api.departments.create.mutate({
      companyId: company.id,
      parentId: parent.id,
      name: "Child",
    });
    const count = (await outboxOf(tenant.id)).length;
    await expect(
      api.departments.update.mutate({ id: parent.id, parentId: child.id, expectedVersion: 1 }),
    ).rejects.toThrow();
    await expect(api.departments.archive.mutate({ id: parent.id, expectedVersion: 1 })).rejects.toThrow();
    await expect(
      api.companies.update.mutate({ id: company.id, name: "Twice", expectedVersion: 7 }),
    ).rejects.toThrow();
    expect((await outboxOf(tenant.id)).length).toBe(count);
  });
});

describe("the relay", () => {
  let relay: Relay | undefined;

  afterAll(async () => {
    await relay?.stop();
  });

  test("publishes committed events in order per key; a rolled-back event never reaches Kafka", async () => {
    relay = startRelay({
      db: h.db,
      outbox,
      publisher: transport.publisher("relay-test"),
      log,
      listen: postgresListener(h.databaseUrl),
    });
    const { tenant, api } = await h.newTenant("relay");
    const company = await api.companies.create.mutate({ name: "Relay Co" });
    const rolledBack = Bun.randomUUIDv7();
    await expect(
      h.db.tenant(tenant.id, async (tx) => {
        await emit(tx, outbox, {
          type: "vextrus.organization.department.created",
          subject: rolledBack,
          tenantId: tenant.id,
          data: { id: rolledBack, after: { name: "Never" } },
        });
        throw new Error("the state change failed after the event was written");
      }),
    ).rejects.toThrow("state change failed");
    const dept = await api.departments.create.mutate({ companyId: company.id, name: "D1" });
    await api.departments.update.mutate({ id: dept.id, name: "D2", expectedVersion: 1 });
    await api.departments.update.mutate({ id: dept.id, name: "D3", expectedVersion: 2 });
    expect(await relay.drained(10_000)).toBe(true);

    const expected = (await outboxOf(tenant.id)).filter((e) => e.subject === dept.id).map((e) => e.id);
    expect(expected).toHaveLength(3);
    const seen = await readUntil("vextrus.organization.department", (messages) =>
      expected.every((id) => idsOf(messages).includes(id)),
    );
    const mine = seen.filter((m) => m.key === dept.id);
    expect(idsOf(mine)).toEqual(expected);
    expect(seen.some((m) => m.key === rolledBack)).toBe(false);
    const [row] =
      await superuser`select count(*)::int as n from organization.outbox where key = ${rolledBack}`;
    expect(row?.n).toBe(0);
  });

  test("several relay instances publish every row exactly once, each key in order", async () => {
    await relay?.stop();
    relay = undefined;
    const { tenant } = await h.newTenant("many");
    const keys = Array.from({ length: 20 }, () => Bun.randomUUIDv7());
    for (let round = 0; round < 15; round++) {
      await h.db.tenant(tenant.id, async (tx) => {
        for (const key of keys) {
          await emit(tx, outbox, {
            type: "vextrus.organization.branch.updated",
            subject: key,
            tenantId: tenant.id,
            data: { id: key, before: { round: round - 1 }, after: { round } },
          });
        }
      });
    }
    const expected = (await outboxOf(tenant.id)).filter((e) => e.type.endsWith("branch.updated"));
    expect(expected).toHaveLength(300);
    const relays = Array.from({ length: 3 }, (_, i) =>
      startRelay({
        db: h.db,
        outbox,
        publisher: transport.publisher(`relay-${i}`),
        log,
        batchSize: 25,
        pollMs: 20,
      }),
    );
    try {
      expect(await relays[0]?.drained(20_000)).toBe(true);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    const wanted = new Set(expected.map((e) => e.id));
    const seen = await readUntil(
      "vextrus.organization.branch",
      (messages) => idsOf(messages).filter((id) => wanted.has(id)).length >= 300,
    );
    const published = idsOf(seen).filter((id) => wanted.has(id));
    expect(published).toHaveLength(300);
    expect(new Set(published).size).toBe(300);
    for (const key of keys) {
      const order = idsOf(seen.filter((m) => m.key === key));
      expect(order).toEqual([...order].sort());
      expect(order).toHaveLength(15);
    }
  });
});

test("sent rows are pruned by the platform job's procedure after the retention period; the backlog is a metric", async () => {
  const { createMetrics } = await import("@vextrus/platform");
  const metrics = createMetrics("organization");
  const { tenant, api } = await h.newTenant("prune");
  await api.companies.create.mutate({ name: "Short-lived" });
  await api.companies.create.mutate({ name: "Not sent yet" });
  const relay = startRelay({
    db: h.db,
    outbox,
    publisher: transport.publisher("prune"),
    log,
    registry: metrics.registry,
    pollMs: 20,
  });
  try {
    expect(await relay.drained(10_000)).toBe(true);
    const text = await metrics.registry.metrics();
    expect(text).toContain('vextrus_events_outbox_backlog{service="organization"} 0');
    expect(text).toContain('vextrus_events_outbox_oldest_age_seconds{service="organization"} 0');
    expect(text).toMatch(/vextrus_events_published_total\{service="organization"\} [1-9]/);
  } finally {
    await relay.stop();
  }
  const rows = await outboxOf(tenant.id);
  expect(rows.length).toBeGreaterThanOrEqual(2);
  // One row sent four days ago (past the three-day retention), one sent now, one never sent.
  const [old, , unsent] = await superuser<{ id: string }[]>`
    select id from organization.outbox where tenant_id = ${tenant.id} order by id`;
  await superuser`update organization.outbox set sent_at = now() - interval '4 days' where id = ${old?.id ?? ""}`;
  if (unsent) {
    await superuser`update organization.outbox set sent_at = null where id = ${unsent.id}`;
  }
  // A tenant's admin may not run it; the scheduler's platform job (platform:maintenance:run) may.
  const refused = await api.maintenance.pruneOutbox
    .mutate()
    .catch((error: { data?: { code?: string } }) => error.data?.code);
  expect(refused).toBe("FORBIDDEN");
  const platformJob = await h.signer.sign({
    tenantId: PLATFORM_TENANT_ID,
    permissions: [MAINTENANCE_PERMISSION],
  });
  const { removed } = await h.client(platformJob).maintenance.pruneOutbox.mutate();
  expect(removed).toBeGreaterThanOrEqual(1);
  const left = (await outboxOf(tenant.id)).map((e) => e.id);
  expect(left).toHaveLength(rows.length - 1);
  expect(left).not.toContain(rows[0]?.id);
});

describe("readiness with Kafka", () => {
  test("/health/ready checks Kafka within the 1.5 s budget when KAFKA_BROKERS is set", async () => {
    const testDb = await createTestDatabase("org_ready");
    const freePort = () => {
      const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      const port = probe.port;
      probe.stop(true);
      return port;
    };
    const boot = (brokers: string) =>
      bootOrganization(
        OrganizationEnv.parse({ DATABASE_URL: testDb.url, KAFKA_BROKERS: brokers, PORT: String(freePort()) }),
        { log },
      );
    const stop = async (booted: Awaited<ReturnType<typeof boot>>) => {
      for (const part of booted.parts) {
        await part.stop();
      }
    };
    const down = await boot(`127.0.0.1:${freePort()}`);
    try {
      const started = performance.now();
      const response = await fetch(`${down.url}/health/ready`);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { down: string[] };
      expect(body.down).toEqual(["kafka"]);
    } finally {
      await stop(down);
    }
    const up = await boot(kafkaBrokers().join(","));
    try {
      const response = await fetch(`${up.url}/health/ready`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { checks: Record<string, unknown> };
      expect(Object.keys(body.checks).sort()).toEqual(["kafka", "postgres"]);
    } finally {
      await stop(up);
      await testDb.drop();
    }
  }, 30_000);
});
