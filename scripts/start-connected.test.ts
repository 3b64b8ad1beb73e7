/**
 * `npm start` connected to PostgreSQL and a Kafka broker that has never seen Vextrus: a fresh broker
 * has no topics, and the services refuse to create them (auto-creation is off). Start creates the
 * catalog's topics first, as `npm run topics:create` would; before that fix the first consumer died on
 * UNKNOWN_TOPIC_OR_PARTITION and took the whole process down.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVextrusClient } from "@vextrus/client";
import { allTopicSpecs, withKafkaAdmin } from "@vextrus/events";
import { createTestDatabase, type TestDatabase } from "@vextrus/platform/testing";
import { embeddedPorts } from "./embedded-ports.ts";
import { type RestartableKafka, startRestartableKafka } from "./events/kafka-broker.ts";

const dataDir = mkdtempSync(join(tmpdir(), "vextrus-start-connected-"));
let kafka: RestartableKafka;
let db: TestDatabase;

beforeAll(async () => {
  kafka = await startRestartableKafka();
  db = await createTestDatabase("start_connected");
}, 240_000);

afterAll(async () => {
  await kafka?.destroy();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

test("npm start on PostgreSQL and a broker without topics creates the topics and carries events", async () => {
  expect(await withKafkaAdmin([kafka.brokers], (admin) => admin.listTopics())).toEqual([]);
  const ports = await embeddedPorts();
  const proc = Bun.spawn([process.execPath, "scripts/start.ts"], {
    env: {
      ...process.env,
      ...ports,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers,
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  const gateway = `http://127.0.0.1:${ports.GATEWAY_PORT}`;
  try {
    let ready = false;
    // Thirteen services migrate and join their consumer groups, on a machine other suites share.
    for (let i = 0; i < 1200 && !ready && proc.exitCode === null; i++) {
      ready = await fetch(`${gateway}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) {
        await Bun.sleep(100);
      }
    }
    if (!ready) {
      proc.kill("SIGKILL");
      throw new Error(
        `npm start did not become ready: ${(await new Response(proc.stderr).text()).slice(-3000)}`,
      );
    }
    const topics = await withKafkaAdmin([kafka.brokers], (admin) => admin.listTopics());
    const ours = topics.filter((name) => !name.startsWith("__")).sort();
    expect(ours).toEqual(
      allTopicSpecs()
        .map((spec) => spec.name)
        .sort(),
    );

    // An event crosses the real broker: auth's user event reaches organization's consumer.
    const anon = createVextrusClient({ url: gateway });
    await anon.auth.registerTenant.mutate({
      tenant: { slug: "connected-builders", legalName: "Connected Builders Ltd" },
      admin: { name: "Nusrat Jahan", email: "nusrat@connected.com.bd", password: "Padma-Bridge-Evening-17" },
    });
    const handled = async () =>
      /vextrus_events_handled_total\{[^}]*topic="vextrus\.auth\.user"[^}]*\} [1-9]/.test(
        await (await fetch(`http://127.0.0.1:${ports.ORGANIZATION_PORT}/metrics`)).text(),
      );
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      seen = await handled();
      if (!seen) {
        await Bun.sleep(100);
      }
    }
    expect(seen).toBe(true);
    // Ctrl-C: every part stops within the shutdown budget, so the process exits 0. (Before consumers
    // fetched with a 1 s wait, each took ~4 s to leave its group and the whole outlasted the budget.)
    const stopping = performance.now();
    proc.kill("SIGTERM");
    const code = await proc.exited;
    const stopSeconds = (performance.now() - stopping) / 1000;
    const stderr = await new Response(proc.stderr).text();
    expect({ code, stderr: code === 0 ? "" : stderr.slice(-2000) }).toEqual({ code: 0, stderr: "" });
    console.log(`npm start stopped in ${stopSeconds.toFixed(1)} s`);
    expect(stopSeconds).toBeLessThan(10);
  } finally {
    if (proc.exitCode === null) {
      proc.kill("SIGTERM");
      await proc.exited;
    }
  }
}, 300_000);
