/**
 * The configuration reader other services use, against a real configuration service whose outbox is
 * relayed to a real Kafka: two replicas' caches see a change within a second, keep answering while
 * the service is down, and hear changes again once it is back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ConfigReader, createConfigReader } from "@vextrus/config/reader";
import { createCatalogTopics, kafkaTransport, type Transport, withKafkaAdmin } from "@vextrus/events";
import { AppError, createLogger, type Stoppable } from "@vextrus/platform";
import {
  createTestDatabase,
  createTestSigner,
  kafkaBrokers,
  portForLater,
  type TestDatabase,
} from "@vextrus/platform/testing";
import { bootConfiguration } from "../src/boot.ts";
import { ConfigurationEnv } from "../src/env.ts";
import { clientFor } from "./harness.ts";

const prefix = `t-cfg-${Bun.randomUUIDv7().slice(-8)}.`;
const TOPICS = ["vextrus.config.setting", "vextrus.config.feature_flag"];
const log = createLogger({ level: "warn", write: () => {} });
const transports: Transport[] = [];
const transport = () => {
  const t = kafkaTransport({
    brokers: kafkaBrokers(),
    clientId: "cfg-reader-test",
    log,
    topicPrefix: prefix,
  });
  transports.push(t);
  return t;
};

let db: TestDatabase;
let signer: Awaited<ReturnType<typeof createTestSigner>>;
let port: number;
let parts: Stoppable[] = [];
let readers: ConfigReader[] = [];

async function boot() {
  const env = ConfigurationEnv.parse({
    DATABASE_URL: db.url,
    JWT_PUBLIC_KEY: signer.publicKey,
    LOG_LEVEL: "warn",
  });
  const booted = await bootConfiguration({ ...env, PORT: port }, { log, bus: transport() });
  parts = booted.parts;
}

async function stopService() {
  for (const part of parts) {
    await Promise.race([part.stop(), Bun.sleep(2_000)]);
  }
}

beforeAll(async () => {
  db = await createTestDatabase("config_reader");
  signer = await createTestSigner();
  await withKafkaAdmin(kafkaBrokers(), (admin) =>
    createCatalogTopics(admin, { prefix, partitions: 1, replicationFactor: 1, only: TOPICS }),
  );
  port = portForLater();
  await boot();
  readers = [0, 1].map((replica) =>
    createConfigReader({
      url: `http://127.0.0.1:${port}`,
      service: `replica-${replica}`,
      log,
      transport: transport(),
      replicaId: `r${replica}-${Bun.randomUUIDv7().slice(-8)}`,
      timeoutMs: 500,
    }),
  );
  await Promise.all(readers.map((r) => r.start()));
}, 60_000);

afterAll(async () => {
  await Promise.all(readers.map((r) => r.stop()));
  await stopService();
  await Promise.all(transports.map((t) => t.close()));
  await withKafkaAdmin(kafkaBrokers(), (admin) =>
    admin.deleteTopics({ topics: TOPICS.flatMap((t) => [prefix + t, `${prefix + t}.dlq`]) }),
  ).catch(() => undefined);
  await db.drop();
}, 30_000);

/** Waits until every reader answers `value` for `key`; returns how long that took. */
async function untilAll(call: Parameters<ConfigReader["get"]>[1], value: unknown, timeoutMs = 5_000) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const values = await Promise.all(readers.map((r) => r.get("workflow.sla.hours", call)));
    if (values.every((v) => v === value)) {
      return performance.now() - started;
    }
    await Bun.sleep(10);
  }
  throw new Error(`readers did not see ${String(value)} within ${timeoutMs} ms`);
}

describe("the configuration reader", () => {
  test("caches, sees a change within 1 s on every replica, and answers from cache while the service is down", async () => {
    const tenantId = Bun.randomUUIDv7();
    const token = await signer.sign({ tenantId, permissions: ["configuration:*"] });
    const call = { tenantId, authorization: `Bearer ${token}`, requestId: "reader-test" };
    const base = `http://127.0.0.1:${port}`;
    // The service over real HTTP on its port (it restarts below); the harness client names another host.
    const api = (as = token) =>
      clientFor(
        {
          fetch: (req: Request) =>
            fetch(new Request(req.url.replace("http://configuration.test", base), req)),
        },
        as,
      );
    const key = "workflow.sla.hours" as const;
    const scope = { level: "tenant" as const };

    expect(await readers[0]?.get(key, call)).toBe(48);
    // The first change also waits for the replicas' consumer groups to join: not timed.
    await api().set.mutate({ key, scope, value: 5, expectedVersion: 0 });
    await untilAll(call, 5, 30_000);
    await api().set.mutate({ key, scope, value: 10, expectedVersion: 1 });
    expect(await untilAll(call, 10)).toBeLessThan(1_000);
    await api().set.mutate({ key, scope, value: 20, expectedVersion: 2 });
    expect(await untilAll(call, 20)).toBeLessThan(1_000);

    // A platform-wide change reaches every tenant's cached answers of that key.
    const operator = await signer.sign({
      tenantId,
      permissions: ["configuration:*", "platform:config:write"],
    });
    const vat = "bd.vat.standardRate" as const;
    expect(await readers[1]?.get(vat, call)).toBe("15");
    await api(operator).set.mutate({
      key: vat,
      scope: { level: "platform" },
      value: "16",
      expectedVersion: 0,
    });
    const started = performance.now();
    while ((await readers[1]?.get(vat, call)) !== "16" && performance.now() - started < 5_000) {
      await Bun.sleep(10);
    }
    expect(performance.now() - started).toBeLessThan(1_000);

    await stopService();
    // Cached answers still come back; a key never read before cannot be answered.
    expect(await Promise.all(readers.map((r) => r.get(key, call)))).toEqual([20, 20]);
    readers[0]?.invalidate(tenantId, key);
    expect(await readers[0]?.get(key, call)).toBe(20);
    const never = readers[0]?.get("organization.currency", call);
    await expect(never).rejects.toBeInstanceOf(AppError);

    await boot();
    await api().set.mutate({ key, scope, value: 30, expectedVersion: 3 });
    expect(await untilAll(call, 30)).toBeLessThan(1_000);
  }, 60_000);
});
