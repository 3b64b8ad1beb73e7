import { type Admin, Kafka, logLevel } from "kafkajs";
import { allTopicSpecs } from "./catalog.ts";
import { isRetriable, sleep, whileRetriable } from "./errors.ts";

export interface TopicOutcome {
  name: string;
  partitions: number;
  retentionMs: number;
  status: "created" | "exists";
  /** Partitions the broker reports (may exceed the catalog's if someone added some). */
  actualPartitions: number;
}

export interface CreateTopicsOptions {
  /** Overrides every topic's partition count (e.g. 1 on a laptop); DLQs keep theirs. */
  partitions?: number;
  replicationFactor: number;
  /** Prepended to every name (tests and benchmarks on a shared broker). */
  prefix?: string;
  /** Only these catalog topics (and their DLQs); all when omitted. */
  only?: readonly string[];
}

/**
 * Topic metadata once every partition of `topics` has a leader. A broker busy creating many topics
 * (or just restarted) answers UNKNOWN_TOPIC_OR_PARTITION for a while: waits up to `timeoutMs`.
 */
async function metadataWithLeaders(admin: Admin, topics: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready || Date.now() > deadline) {
        return metadata;
      }
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) {
        throw error;
      }
    }
    await sleep(250);
  }
}

/**
 * Creates every catalog topic and dead-letter topic that does not exist yet. Idempotent: existing
 * topics are reported, never changed.
 */
export async function createCatalogTopics(
  admin: Admin,
  options: CreateTopicsOptions,
): Promise<TopicOutcome[]> {
  const prefix = options.prefix ?? "";
  const specs = allTopicSpecs().filter(
    (spec) => !options.only || options.only.includes(spec.name.replace(/\.dlq$/, "")),
  );
  const existing = new Set(await whileRetriable(() => admin.listTopics()));
  const missing = specs.filter((spec) => !existing.has(prefix + spec.name));
  const partitionsOf = (spec: (typeof specs)[number]) =>
    spec.dlq ? spec.partitions : (options.partitions ?? spec.partitions);
  if (missing.length > 0) {
    // Not `waitForLeaders`: kafkajs gives up on a busy broker; metadataWithLeaders waits instead.
    await admin
      .createTopics({
        topics: missing.map((spec) => ({
          topic: prefix + spec.name,
          numPartitions: partitionsOf(spec),
          replicationFactor: options.replicationFactor,
          configEntries: [
            { name: "retention.ms", value: String(spec.retentionMs) },
            { name: "min.insync.replicas", value: String(Math.min(2, options.replicationFactor)) },
          ],
        })),
      })
      .catch(async (error: unknown) => {
        if (isRetriable(error)) {
          // Sent, but the metadata kafkajs reads afterwards was not ready (a busy broker, or topics
          // still being deleted): metadataWithLeaders below waits for the topics, or fails.
          return;
        }
        const now = new Set(await whileRetriable(() => admin.listTopics()));
        if (missing.some((spec) => !now.has(prefix + spec.name))) {
          throw error;
        }
      });
  }
  const metadata = await metadataWithLeaders(
    admin,
    specs.map((spec) => prefix + spec.name),
  );
  const actual = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const created = new Set(missing.map((spec) => spec.name));
  return specs.map((spec) => ({
    name: prefix + spec.name,
    partitions: partitionsOf(spec),
    retentionMs: spec.retentionMs,
    status: created.has(spec.name) ? "created" : "exists",
    actualPartitions: actual.get(prefix + spec.name) ?? 0,
  }));
}

/** Runs `fn` with a connected admin client of the cluster at `brokers`. */
export async function withKafkaAdmin<T>(
  brokers: readonly string[],
  fn: (admin: Admin) => Promise<T>,
): Promise<T> {
  const kafka = new Kafka({
    clientId: "vextrus-admin",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    // A broker busy creating many topics answers metadata for new ones late.
    retry: { retries: 8, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await whileRetriable(() => admin.connect());
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
