import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type CloudEvent,
  createCatalogTopics,
  kafkaTransport,
  type Relay,
  startRelay,
  type Transport,
  withKafkaAdmin,
} from "@vextrus/events";
import { createLogger } from "@vextrus/platform";
import { kafkaBrokers } from "@vextrus/platform/testing";
import { outbox } from "../src/db/schema.ts";
import { buildCompany, type Company, defineProcess, startWorkflow, type WorkflowHarness } from "./harness.ts";

const log = createLogger({ level: "error", write: () => {} });

let h: WorkflowHarness;
let co: Company;
let transport: Transport;
let relay: Relay;
let topics: string[] = [];

beforeAll(async () => {
  h = await startWorkflow("wf_events");
  co = await buildCompany(h, "events");
  await defineProcess(h, co);
  // Topics under a unique prefix, so files sharing a broker never see each other's events.
  const prefix = `t-wf-${Bun.randomUUIDv7().slice(-8)}.`;
  const created = await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, {
      prefix,
      partitions: 1,
      replicationFactor: 1,
      only: ["vextrus.workflow.instance", "vextrus.workflow.task", "vextrus.workflow.definition"],
    }),
  );
  topics = created.map((t) => t.name);
  transport = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "workflow-events-test",
    log,
    topicPrefix: prefix,
  });
  relay = startRelay({ db: h.db, outbox, publisher: transport.publisher("workflow-relay"), log });
}, 60_000);

afterAll(async () => {
  await relay.stop();
  await transport.close();
  await withKafkaAdmin(kafkaBrokers(), (admin) => admin.deleteTopics({ topics }));
  await h.stop();
}, 60_000);

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > until) {
      return value;
    }
    await Bun.sleep(100);
  }
}

describe("events over real Kafka", () => {
  test("every step of a process reaches Kafka through the outbox, in order, with the actor", async () => {
    const { process, tasks } = await h.client(co.engineer.token).processes.start.mutate({
      definitionKey: "purchase.requisition",
      subject: "Bricks",
      amount: "750000",
      departmentId: co.departmentId,
      data: {},
    });
    const first = tasks[0];
    if (!first) {
      throw new Error("no task");
    }
    await h.client(co.pm.token).tasks.approve.mutate({ taskId: first.id, expectedVersion: first.version });
    const second = (await h.client(co.director.token).tasks.inbox.query({})).find(
      (t) => t.processId === process.id,
    );
    if (!second) {
      throw new Error("no second task");
    }
    await h
      .client(co.director.token)
      .tasks.approve.mutate({ taskId: second.id, expectedVersion: second.version });

    const unsent = await eventually(
      async () =>
        (
          await h.sql<{ n: number }[]>`select count(*)::int as n from workflow.outbox where sent_at is null`
        )[0]?.n,
      (n) => n === 0,
    );
    expect(unsent).toBe(0);

    const received: CloudEvent[] = [];
    const subscription = await transport.subscribe({
      group: `workflow-events-test-${Bun.randomUUIDv7().slice(-8)}`,
      topics: ["vextrus.workflow.instance", "vextrus.workflow.task"],
      async onBatch(messages) {
        for (const message of messages) {
          received.push(JSON.parse(message.value ?? "null") as CloudEvent);
        }
      },
    });
    const mine = (e: CloudEvent) =>
      e.subject === process.id || (e.data as { instanceId?: string } | undefined)?.instanceId === process.id;
    await eventually(
      async () => received.filter(mine).length,
      (n) => n >= 6,
    );
    await subscription.stop();
    // Kafka keeps order per key (the aggregate: the process, each task), not across keys, which land
    // on different partitions: each key's events arrive in outbox order (ids are UUIDv7, made in
    // emit order), and the whole story, put in outbox order, is the process's.
    const arrived = received.filter(mine);
    for (const key of new Set(arrived.map((e) => e.subject))) {
      const ids = arrived.filter((e) => e.subject === key).map((e) => e.id);
      expect(ids).toEqual([...ids].sort());
    }
    const story = [...arrived].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const instance = story.filter((e) => e.type.startsWith("vextrus.workflow.instance."));
    expect(instance.map((e) => e.type)).toEqual([
      "vextrus.workflow.instance.started",
      "vextrus.workflow.instance.completed",
    ]);
    expect(
      story.filter((e) => e.type.startsWith("vextrus.workflow.task.")).map((e) => [e.type, e.actorid]),
    ).toEqual([
      ["vextrus.workflow.task.assigned", co.engineer.userId],
      ["vextrus.workflow.task.approved", co.pm.userId],
      ["vextrus.workflow.task.assigned", co.pm.userId],
      ["vextrus.workflow.task.approved", co.director.userId],
    ]);
    expect(story.every((e) => e.tenantid === co.tenantId)).toBe(true);
  }, 60_000);
});
