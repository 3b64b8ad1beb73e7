// A single-node Kafka (KRaft) that can be stopped and started again with its data: the crash suite
// needs a real broker outage without losing what the broker already stored. It runs the same Maven
// jars as scripts/test-infra/kafka.ts (fetched there by startLocalKafka when missing).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { describeKafka, KAFKA_VERSION, startLocalKafka } from "../test-infra/kafka.ts";
import { freePort, repoRoot, stopProcess, tailOf } from "../test-infra/process.ts";

const libsDir = join(repoRoot, ".cache/kafka", KAFKA_VERSION, "libs");
const log4jConfig = join(repoRoot, "scripts/kafka/log4j2.properties");
/**
 * How long a (re)started broker may take to answer. A JVM start on a loaded 2-core CI machine took
 * over 60 s (the crash suite failed there on a 60 s wait); the shared broker is given 120 s too.
 */
const START_TIMEOUT_MS = 180_000;

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
  let starts = 0;
  const start = async () => {
    // One log per start: a restart writing into the first start's file overwrote it from the top.
    const logFile = join(runDir, `broker-${++starts}.log`);
    const started = Bun.spawn(java("kafka.Kafka", [properties], ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC"]), {
      cwd: runDir,
      stdin: "ignore",
      stdout: Bun.file(logFile),
      stderr: "inherit",
    });
    proc = started;
    const answered = describeKafka(brokers, START_TIMEOUT_MS).then(
      () => "answered" as const,
      (error: unknown) => error,
    );
    const outcome = await Promise.race([answered, started.exited.then((code) => `exited with ${code}`)]);
    if (outcome !== "answered") {
      await stopProcess(started, "SIGKILL", 0);
      const why = outcome instanceof Error ? outcome.message : String(outcome);
      throw new Error(
        `the crash suite's broker did not come up (${why}); last lines of ${logFile}:\n${tailOf(logFile)}`,
      );
    }
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
