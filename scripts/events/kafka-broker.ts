// A single-node Kafka (KRaft) that can be stopped and started again with its data: the crash suite
// needs a real broker outage without losing what the broker already stored. It runs the same Maven
// jars as scripts/test-infra/kafka.ts (fetched there by startLocalKafka when missing).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { describeKafka, KAFKA_VERSION, startLocalKafka } from "../test-infra/kafka.ts";
import { freePort, repoRoot, stopProcess } from "../test-infra/process.ts";

const libsDir = join(repoRoot, ".cache/kafka", KAFKA_VERSION, "libs");
const log4jConfig = join(repoRoot, "scripts/kafka/log4j2.properties");

export interface RestartableKafka {
  brokers: string;
  /** Stops the broker process (SIGTERM: a clean shutdown, as an orchestrator would). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

async function ensureJars(): Promise<void> {
  if (existsSync(libsDir)) {
    return;
  }
  const fetched = await startLocalKafka({ logFile: join(repoRoot, ".cache/kafka/jars-fetch.log") });
  await fetched.stop();
}

const java = (mainClass: string, args: string[], heap: string[]) => [
  "java",
  ...heap,
  `-Dlog4j2.configurationFile=${log4jConfig}`,
  "-Djava.awt.headless=true",
  "-cp",
  `${libsDir}/*`,
  mainClass,
  ...args,
];

export async function startRestartableKafka(): Promise<RestartableKafka> {
  await ensureJars();
  const port = freePort(19092);
  const controllerPort = freePort(19093, [port]);
  const runDir = mkdtempSync(join(tmpdir(), "vextrus-kafka-crash-"));
  const properties = join(runDir, "server.properties");
  mkdirSync(join(runDir, "data"));
  writeFileSync(
    properties,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "inter.broker.listener.name=PLAINTEXT",
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(runDir, "data")}`,
      "num.partitions=1",
      "auto.create.topics.enable=false",
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "",
    ].join("\n"),
  );
  const clusterId = Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
    .toString("base64url")
    .replace(/^-/, "A");
  const format = Bun.spawnSync(
    java(
      "kafka.tools.StorageTool",
      ["format", "-t", clusterId, "-c", properties],
      ["-XX:TieredStopAtLevel=1"],
    ),
    { cwd: runDir },
  );
  if (format.exitCode !== 0) {
    throw new Error(`kafka storage format failed: ${format.stderr.toString()}${format.stdout.toString()}`);
  }
  const brokers = `127.0.0.1:${port}`;
  let proc: Subprocess | undefined;
  const start = async () => {
    proc = Bun.spawn(java("kafka.Kafka", [properties], ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC"]), {
      cwd: runDir,
      stdin: "ignore",
      stdout: Bun.file(join(runDir, "broker.log")),
      stderr: "inherit",
    });
    await describeKafka(brokers, 60_000);
  };
  const stop = async () => {
    if (proc) {
      await stopProcess(proc, "SIGTERM", 15_000);
      proc = undefined;
    }
  };
  await start();
  return {
    brokers,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}
