import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  buildEvent,
  createCatalogTopics,
  kafkaTransport,
  type Relay,
  startRelay,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import { createLogger, createTokenVerifier, type Stoppable } from "@vextrus/platform";
import { kafkaBrokers } from "@vextrus/platform/testing";
import { createApp } from "../src/app.ts";
import { outbox } from "../src/db/schema.ts";
import { RuleSetCache } from "../src/engine/cache.ts";
import { cacheGroup, startRulesEvents } from "../src/events.ts";
import { clientFor, type RulesApi, type RulesHarness, startRules } from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });

let h: RulesHarness;
let transport: Transport;
let relay: Relay;
let brokers: string[] = [];
let topicNames: string[] = [];
// Every topic the service publishes to: the relay stops at the first one missing (allowAutoTopicCreation is off).
const TOPICS = ["vextrus.organization.tenant", "vextrus.rules.rule", "vextrus.rules.evaluation"];
const parts: Stoppable[] = [];

const prefix = `t-rules-${Bun.randomUUIDv7().slice(-8)}.`;

beforeAll(async () => {
  h = await startRules("events");
  brokers = kafkaBrokers();
  // Topics under a unique prefix, so files sharing a broker never see each other's events.
  topicNames = await withKafkaAdmin(brokers, async (admin) =>
    (await createCatalogTopics(admin, { prefix, partitions: 2, replicationFactor: 1, only: TOPICS })).map(
      (t) => t.name,
    ),
  );
  transport = kafkaTransport({ brokers, clientId: "rules-events-test", log, topicPrefix: prefix });
  relay = startRelay({ db: h.db, outbox, publisher: transport.publisher("rules-relay"), log });
  parts.push(
    ...(await startRulesEvents({ db: h.db, transport, cache: h.cache, log, replicaId: "replica-1" })),
  );
}, 60_000);

afterAll(async () => {
  for (const part of parts.reverse()) {
    await part.stop();
  }
  await relay.stop();
  await transport.close();
  await withKafkaAdmin(brokers, (admin) => admin.deleteTopics({ topics: topicNames })).catch(() => undefined);
  await h.stop();
}, 60_000);

async function eventually<T>(
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > until) {
      return value;
    }
    await Bun.sleep(200);
  }
}

describe("events over real Kafka", () => {
  test("vextrus.organization.tenant.created installs the packs, once", async () => {
    const tenantId = Bun.randomUUIDv7();
    const created = buildEvent({
      type: "vextrus.organization.tenant.created",
      subject: tenantId,
      tenantId,
      data: { id: tenantId, after: { slug: "karnaphuli", legalName: "Karnaphuli Builders Ltd" } },
    });
    const publisher = transport.publisher("test-organization");
    const message = { topic: created.topic, key: created.key, value: JSON.stringify(created.event) };
    await publisher.send([message]);
    const { api } = await h.newTenant();
    const tenant = clientFor(h.app, await h.signer.sign({ tenantId, permissions: ["rules:*"] }));
    const sets = await eventually(
      () => tenant.ruleSets.list.query(),
      (list) => list.length === 3,
    );
    expect(sets.map((s) => s.key)).toEqual(["purchase.approval", "rajuk.building", "tax.vat"]);
    // Redelivered: the inbox makes it a no-op.
    await publisher.send([message]);
    await Bun.sleep(1500);
    const set = await tenant.ruleSets.get.query({ key: "purchase.approval" });
    expect(set.rules).toHaveLength(5);
    await publisher.close();
    expect((await api.ruleSets.list.query()).length).toBe(0);
  }, 60_000);

  test("a rule change reaches another replica's cache through vextrus.rules.rule", async () => {
    const { api, token } = await h.newTenant();
    await api.packs.install.mutate({ packs: ["purchase.approval"] });
    const cache = new RuleSetCache({ ttlMs: 3_600_000 });
    const verifyToken = await createTokenVerifier({ publicKey: h.signer.publicKey, issuer: "vextrus-auth" });
    const replica: RulesApi = clientFor(createApp({ db: h.db, log, verifyToken, cache }), token);
    parts.push(...(await startRulesEvents({ db: h.db, transport, cache, log, replicaId: "replica-2" })));
    const level = async (client: RulesApi) =>
      (await client.evaluate.mutate({ ruleSet: "purchase.approval", facts: { amount: "10.00" } })).actions[0];
    expect(await level(replica)).toEqual({ kind: "require_approval", level: 1 });

    const set = await api.ruleSets.get.query({ key: "purchase.approval" });
    const level1 = set.rules.find((r) => r.key === "approval.level1");
    if (!level1) {
      throw new Error("no approval.level1");
    }
    await api.rules.update.mutate({
      id: level1.ruleId,
      expectedVersion: 1,
      name: level1.name,
      priority: level1.priority,
      status: "active",
      effectiveFrom: level1.effectiveFrom,
      reference: level1.reference,
      when: level1.when,
      actions: [{ kind: "require_approval", level: 2 }],
    });
    const seen = await eventually(
      () => level(replica),
      (action) => action?.kind === "require_approval" && action.level === 2,
    );
    expect(seen).toEqual({ kind: "require_approval", level: 2 });
  }, 60_000);

  test("a replica's cache group is stable: a restart rejoins it, and nothing published before it first ran is replayed", async () => {
    /** A cache that records which rule sets it was told to forget. */
    class Recorder extends RuleSetCache {
      seen: string[] = [];
      override invalidate(tenantId: string, ruleSet: string): void {
        this.seen.push(ruleSet);
        super.invalidate(tenantId, ruleSet);
      }
    }
    const tenantId = Bun.randomUUIDv7();
    const publisher = transport.publisher("test-rule-changes");
    const changed = async (ruleSet: string) => {
      const id = Bun.randomUUIDv7();
      const { topic, key, event } = buildEvent({
        type: "vextrus.rules.rule.updated",
        subject: id,
        tenantId,
        data: { id, before: { ruleSet }, after: { ruleSet } },
      });
      await publisher.send([{ topic, key, value: JSON.stringify(event) }]);
    };
    const replicaId = `replica-${Bun.randomUUIDv7().slice(-8)}`;
    const start = async (cache: Recorder) => {
      const started = await startRulesEvents({ db: h.db, transport, cache, log, replicaId });
      // The consumer has joined; give it the moment it takes to look up the latest offsets.
      await Bun.sleep(500);
      return started;
    };
    await changed("before.first.start");
    const first = new Recorder({ ttlMs: 60_000 });
    const running = await start(first);
    await changed("while.running");
    await eventually(
      async () => first.seen,
      (seen) => seen.includes("while.running"),
    );
    for (const part of running) {
      await part.stop();
    }
    const second = new Recorder({ ttlMs: 60_000 });
    parts.push(...(await start(second)));
    await changed("after.restart");
    await eventually(
      async () => second.seen,
      (seen) => seen.includes("after.restart"),
    );
    await publisher.close();
    expect(first.seen).toEqual(["while.running"]);
    expect(second.seen).not.toContain("before.first.start");
    expect(second.seen).toContain("after.restart");
    // One group for the replica across both starts (a random id per start left one behind each time);
    // the transport's topic prefix names its groups too.
    const { groups } = await withKafkaAdmin(brokers, (admin) => admin.listGroups());
    expect(groups.filter((g) => g.groupId.includes(replicaId)).map((g) => g.groupId)).toEqual([
      `${prefix}${cacheGroup(replicaId)}`,
    ]);
  }, 90_000);
});
