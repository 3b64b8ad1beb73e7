// Finds or starts a Kafka broker for the test run. Order: KAFKA_BROKERS, a single-node KRaft broker
// assembled from Maven Central jars (cached under .cache/kafka/), a testcontainers container.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { errorMessage, freePort, repoRoot, run, seconds, sleep, stopProcess, within } from "./process.ts";

/** The one place the Kafka version is chosen (compose.yaml uses the same major version). */
export const KAFKA_VERSION = "4.1.1";
/** For the testcontainers fallback only: Confluent Platform 8.1 ships Apache Kafka 4.1. */
const CONTAINER_IMAGE = "confluentinc/cp-kafka:8.1.0";

const kafkaDir = join(repoRoot, ".cache/kafka");
const libsDir = join(kafkaDir, KAFKA_VERSION, "libs");
const libsManifest = join(kafkaDir, KAFKA_VERSION, "libs.txt");
const pomFile = join(repoRoot, "scripts/kafka/pom.xml");
const log4jConfig = join(repoRoot, "scripts/kafka/log4j2.properties");
const READY_LINE = "Kafka Server started";
const noop = async (): Promise<void> => {};

export interface TestKafka {
  /** Comma-separated host:port list. */
  brokers: string;
  description: string;
  stop(): Promise<void>;
}

export interface LocalKafka extends TestKafka {
  logFile: string;
  /** Resolves with the exit code when the broker process ends. */
  exited: Promise<number>;
}

/** Asks the cluster for its brokers, retrying until `timeoutMs`; returns how many answered. */
export async function describeKafka(brokers: string, timeoutMs: number): Promise<number> {
  const kafka = new Kafka({
    clientId: "vextrus-test-infra",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    retry: { retries: 0 },
  });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`Kafka at ${brokers} does not answer: ${errorMessage(error)}`);
      }
      await sleep(250);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

export async function ensureKafka(): Promise<TestKafka> {
  const given = process.env.KAFKA_BROKERS;
  if (given) {
    const count = await describeKafka(given, 10_000).catch((error: unknown) => {
      throw new Error(`KAFKA_BROKERS (${given}) is not usable: ${errorMessage(error)}`);
    });
    return { brokers: given, description: `KAFKA_BROKERS=${given} (${count} broker(s))`, stop: noop };
  }
  const tried: string[] = [];
  const missing = missingTools();
  if (missing) {
    tried.push(`local broker from Maven jars: ${missing}`);
  } else {
    return startLocalKafka({ logFile: join(kafkaDir, "broker.log") });
  }
  try {
    return await startContainer();
  } catch (error) {
    tried.push(`testcontainers: ${errorMessage(error)}`);
  }
  throw new Error(
    [
      "No Kafka for the tests. Tried:",
      ...tried.map((line) => `  - ${line}`),
      "Provide one of:",
      "  - KAFKA_BROKERS=host:port[,host:port] pointing at a running broker",
      "  - Java 17+ and Maven with access to Maven Central (apt-get install -y openjdk-17-jre-headless maven);",
      `    the tests then run Apache Kafka ${KAFKA_VERSION} from its Maven jars`,
      "  - a container runtime (Docker or Podman) for testcontainers",
    ].join("\n"),
  );
}

/** Why the Maven-jar broker cannot run here, or undefined when it can. */
function missingTools(): string | undefined {
  if (!Bun.which("java")) {
    return "no `java` on PATH (Java 17+ needed)";
  }
  if (!librariesCached() && !Bun.which("mvn")) {
    return `no \`mvn\` on PATH and no cached jars in ${libsDir}`;
  }
  return undefined;
}

function librariesCached(): boolean {
  if (!existsSync(libsManifest)) {
    return false;
  }
  const jars = readFileSync(libsManifest, "utf8").split("\n").filter(Boolean);
  return jars.length > 0 && jars.every((jar) => existsSync(join(libsDir, jar)));
}

/** Copies the broker's runtime classpath from Maven Central into .cache/kafka/<version>/libs. */
async function ensureLibraries(): Promise<string> {
  if (librariesCached()) {
    return "cached jars";
  }
  const started = performance.now();
  console.log(`Kafka: fetching org.apache.kafka:kafka_2.13:${KAFKA_VERSION} and its libraries with Maven…`);
  const staging = join(kafkaDir, KAFKA_VERSION, `libs.tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  const maven = await run([
    "mvn",
    ...["-B", "-q", "-Dstyle.color=never", "-f", pomFile, "dependency:copy-dependencies"],
    ...["-DincludeScope=runtime", `-Dkafka.version=${KAFKA_VERSION}`, `-DoutputDirectory=${staging}`],
  ]);
  if (maven.code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Maven could not fetch Kafka ${KAFKA_VERSION}:\n${maven.output}`);
  }
  const jars = (await readdir(staging)).filter((name) => name.endsWith(".jar")).sort();
  rmSync(libsDir, { recursive: true, force: true });
  renameSync(staging, libsDir);
  writeFileSync(libsManifest, `${jars.join("\n")}\n`);
  return `${jars.length} jars fetched from Maven Central in ${seconds(started)}`;
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "inter.broker.listener.name=PLAINTEXT",
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${dataDir}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "log.cleaner.dedupe.buffer.size=33554432",
    "",
  ].join("\n");
}

/** A random cluster id in Kafka's format (base64url of 16 bytes, never starting with "-"). */
function clusterId(): string {
  for (;;) {
    const id = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
    if (!id.startsWith("-")) {
      return id;
    }
  }
}

function java(mainClass: string, args: string[], heap: string[]): string[] {
  return [
    "java",
    ...heap,
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    "-Djava.awt.headless=true",
    "-cp",
    `${libsDir}/*`,
    mainClass,
    ...args,
  ];
}

/** Starts the Maven-jar broker on 127.0.0.1 (9092/9093 when free) and waits until it serves. */
export async function startLocalKafka(options: { logFile: string }): Promise<LocalKafka> {
  const missing = missingTools();
  if (missing) {
    throw new Error(`Cannot run Kafka from its Maven jars: ${missing}. Install Java 17+ and Maven.`);
  }
  const started = performance.now();
  const libraries = await ensureLibraries();
  for (let attempt = 1; ; attempt++) {
    try {
      const broker = await launch(options.logFile);
      return { ...broker, description: `${broker.description} in ${seconds(started)} (${libraries})` };
    } catch (error) {
      // Another process may take a port between our check and the broker's bind: try new ports.
      if (attempt >= 3 || !(error instanceof PortTakenError)) {
        throw error;
      }
    }
  }
}

class PortTakenError extends Error {}

async function launch(logFile: string): Promise<LocalKafka> {
  const port = freePort(9092);
  const controllerPort = freePort(9093, [port]);
  const runDir = mkdtempSync(join(tmpdir(), "vextrus-kafka-"));
  const dataDir = join(runDir, "data");
  const propertiesFile = join(runDir, "server.properties");
  writeFileSync(propertiesFile, serverProperties(dataDir, port, controllerPort));
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, "");

  const storageArgs = ["format", "-t", clusterId(), "-c", propertiesFile, "--ignore-formatted"];
  const format = await run(java("kafka.tools.StorageTool", storageArgs, ["-XX:TieredStopAtLevel=1"]), runDir);
  appendFileSync(logFile, `${format.output}\n`);
  if (format.code !== 0) {
    rmSync(runDir, { recursive: true, force: true });
    throw new Error(`Kafka storage format failed (see ${logFile}):\n${format.output}`);
  }

  const heap = ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC"];
  const proc = Bun.spawn(java("kafka.Kafka", [propertiesFile], heap), {
    cwd: runDir,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const ready = Promise.withResolvers<void>();
  const pumps = [proc.stdout, proc.stderr].map((stream) => pumpLog(stream, logFile, ready.resolve));
  const exited = proc.exited.then(async (code) => {
    await Promise.all(pumps);
    return code;
  });
  const stop = async (): Promise<void> => {
    await stopProcess(proc, "SIGTERM", 10_000);
    await exited;
    rmSync(runDir, { recursive: true, force: true });
  };

  const started = Promise.race([ready.promise.then(() => "ready" as const), exited]);
  const outcome = await within(started, 120_000, "timeout" as const);
  if (outcome !== "ready") {
    await stop();
    const log = readFileSync(logFile, "utf8");
    if (log.includes("Address already in use")) {
      throw new PortTakenError(`port ${port} or ${controllerPort} was taken`);
    }
    const why =
      outcome === "timeout" ? "did not log “Kafka Server started” within 120 s" : `exited (${outcome})`;
    throw new Error(
      `Kafka broker ${why}; last lines of ${logFile}:\n${log.trimEnd().split("\n").slice(-30).join("\n")}`,
    );
  }
  const brokers = `127.0.0.1:${port}`;
  try {
    await describeKafka(brokers, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    brokers,
    description: `local broker ${KAFKA_VERSION} at ${brokers} started from Maven jars`,
    stop,
    logFile,
    exited,
  };
}

/** Appends a stream to the log file and calls `onReady` once the broker logs its start. */
async function pumpLog(
  stream: ReadableStream<Uint8Array>,
  logFile: string,
  onReady: () => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let carry = "";
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    appendFileSync(logFile, text);
    if ((carry + text).includes(READY_LINE)) {
      onReady();
    }
    carry = text.slice(-READY_LINE.length);
  }
}

async function startContainer(): Promise<TestKafka> {
  const started = performance.now();
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const container = await new KafkaContainer(CONTAINER_IMAGE).start();
  const brokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
  await describeKafka(brokers, 30_000);
  return {
    brokers,
    description: `container ${CONTAINER_IMAGE} via testcontainers started in ${seconds(started)}`,
    stop: async () => {
      await container.stop();
    },
  };
}
