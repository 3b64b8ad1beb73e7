import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { buildEvent, type DeliveredMessage, type Transport } from "@vextrus/events";
import { APP_ROLE, postgresDatabase } from "@vextrus/platform/db";
import { startTcpProxy } from "@vextrus/platform/testing";
import {
  type AuditHarness,
  departmentStory,
  publish,
  sendRetrying,
  startAudit,
  type TestTopics,
  testTopics,
} from "./harness.ts";

const repoRoot = join(import.meta.dir, "../../..");
const GROUP = `audit-dlq-${Bun.randomUUIDv7().slice(-8)}`;

let h: AuditHarness;
let topics: TestTopics;
let transport: Transport;

beforeAll(async () => {
  h = await startAudit("dlq");
  topics = await testTopics("dlq");
  transport = topics.transport(h.log);
  await h.consume(transport, { group: GROUP, maxAttempts: 3 });
}, 60_000);

afterAll(async () => {
  await h.stop();
  await transport.close();
  await topics.drop();
}, 30_000);

/** Reads a topic from the beginning until `count` messages arrived (or the time is up). */
async function readTopic(
  from: Transport,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<DeliveredMessage[]> {
  const seen: DeliveredMessage[] = [];
  const enough = Promise.withResolvers<void>();
  const subscription = await from.subscribe({
    group: `reader-${Bun.randomUUIDv7()}`,
    topics: [topic],
    onBatch: async (messages) => {
      seen.push(...messages);
      if (seen.length >= count) {
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

async function replay(dlqTopic: string, ...args: string[]) {
  const proc = Bun.spawn([process.execPath, join(repoRoot, "scripts/replay-dlq.ts"), dlqTopic, ...args], {
    cwd: repoRoot,
    env: { ...process.env, KAFKA_BROKERS: topics.brokers.join(","), KAFKA_TOPIC_PREFIX: topics.prefix },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, output: `${out}${err}` };
}

describe("dead letters", () => {
  test("an event that fails its schema goes to the DLQ at once with the error; the consumer moves on", async () => {
    const tenant = await h.newTenant();
    const good = buildEvent({
      type: "vextrus.organization.company.created",
      subject: Bun.randomUUIDv7(),
      tenantId: tenant.tenantId,
      data: { id: Bun.randomUUIDv7(), after: { name: "Good Co" } },
    });
    // A producer bug: an update without `before`, and a message that is not even JSON.
    const invalid = { ...good.event, id: Bun.randomUUIDv7(), type: "vextrus.organization.company.updated" };
    await sendRetrying(transport, "poison", [
      { topic: good.topic, key: good.key, value: JSON.stringify(invalid) },
      { topic: good.topic, key: good.key, value: "{not json" },
      { topic: good.topic, key: good.key, value: JSON.stringify(good.event) },
    ]);
    expect(await h.waitFor(tenant.tenantId, 1)).toBe(1);

    const letters = await readTopic(transport, "vextrus.organization.company.dlq", 2);
    expect(letters).toHaveLength(2);
    const [schema, garbage] = letters;
    expect(schema?.headers["x-dlq-reason"]).toBe("schema");
    expect(schema?.headers["x-dlq-attempts"]).toBe("1");
    expect(schema?.headers["x-dlq-consumer"]).toBe(GROUP);
    expect(schema?.headers["x-dlq-original-topic"]).toBe("vextrus.organization.company");
    expect(schema?.headers["x-dlq-error"]).toContain("data.before");
    expect(JSON.parse(schema?.value ?? "{}").id).toBe(invalid.id);
    expect(garbage?.headers["x-dlq-error"]).toBe("not JSON");
    const metrics = await h.metrics.registry.metrics();
    expect(metrics).toMatch(/vextrus_events_dead_lettered_total\{[^}]*reason="schema"[^}]*\} 2/);
  });

  test("an event whose handling keeps failing is dead-lettered after the retries; a replay after the fix records it", async () => {
    const tenant = await h.newTenant();
    const broken = departmentStory(tenant.tenantId, tenant.userId);
    const fine = departmentStory(tenant.tenantId, tenant.userId);
    // A defect that only this department's events hit (as a superuser; removed below as "the fix").
    await h.superuser.unsafe(`
      create function audit.test_defect() returns trigger language plpgsql as $$
      begin raise exception 'defect: cannot record %', new.subject; end $$;
      create trigger test_defect before insert on audit.log_entries for each row
        when (new.subject = '${broken.id}') execute function audit.test_defect();`);
    await publish(transport, [broken.created, fine.created]);
    expect(await h.waitFor(tenant.tenantId, 1)).toBe(1);
    const letters = await readTopic(transport, "vextrus.organization.department.dlq", 1);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.headers["x-dlq-reason"]).toBe("handler");
    expect(letters[0]?.headers["x-dlq-attempts"]).toBe("3");
    expect(letters[0]?.headers["x-dlq-error"]).toContain(`defect: cannot record ${broken.id}`);
    expect(await h.count(tenant.tenantId)).toBe(1);

    // The fix is deployed (the defect removed): a dry run lists the letter, the replay records it once.
    await h.superuser.unsafe(
      "drop trigger test_defect on audit.log_entries; drop function audit.test_defect();",
    );
    const dry = await replay("vextrus.organization.department.dlq", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.output).toContain("1 to replay");
    expect(await h.count(tenant.tenantId)).toBe(1);
    const run = await replay("vextrus.organization.department.dlq", "--consumer", GROUP);
    expect(run.output).toContain("1 replayed");
    expect(run.code).toBe(0);
    expect(await h.waitFor(tenant.tenantId, 2)).toBe(2);
    const again = await replay("vextrus.organization.department.dlq");
    expect(again.output).toContain("nothing to replay");
    const entries = await tenant.api.events.list.query({ subjectId: broken.id });
    expect(entries.items).toHaveLength(1);
    expect(await tenant.api.verify.query({})).toEqual({ ok: true, checked: 2 });
  });

  test("a database outage is retried until it ends: nothing is dead-lettered, nothing lost", async () => {
    // Its own topics: the file's consumer (straight to the database) must not record these events.
    const own = await testTopics("outage");
    const ownTransport = own.transport(h.log);
    const url = new URL(h.databaseUrl);
    const proxy = startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    const db = postgresDatabase({ url: url.toString(), appRole: APP_ROLE, maxConnections: 2 });
    const consumer = await h.consume(ownTransport, { maxAttempts: 2, db });
    try {
      const tenant = await h.newTenant();
      proxy.setMode("down");
      await publish(ownTransport, departmentStory(tenant.tenantId, tenant.userId).events);
      // The consumer tries while the database is away (its transaction times out after the harness'
      // 3 s, or the connection is refused) and counts an infrastructure failure. Waited for rather
      // than slept on: on a loaded machine joining the group alone can take longer than any sleep.
      const infrastructureFailure = /vextrus_events_failed_total\{[^}]*kind="infrastructure"[^}]*\} [1-9]/;
      const deadline = Date.now() + 30_000;
      while (!infrastructureFailure.test(await h.metrics.registry.metrics()) && Date.now() < deadline) {
        await Bun.sleep(200);
      }
      expect(await h.metrics.registry.metrics()).toMatch(infrastructureFailure);
      expect(await h.count(tenant.tenantId)).toBe(0);
      proxy.setMode("pass");
      expect(await h.waitFor(tenant.tenantId, 3)).toBe(3);
      expect(await tenant.api.verify.query({})).toEqual({ ok: true, checked: 3 });
      expect(await readTopic(ownTransport, "vextrus.organization.department.dlq", 1, 2_000)).toEqual([]);
    } finally {
      await consumer.stop();
      await db.close();
      proxy.stop();
      await ownTransport.close();
      await own.drop();
    }
  }, 120_000);
});
