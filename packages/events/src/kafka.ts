import type { Logger } from "@vextrus/platform";
import { type Consumer, type ISocketFactory, Kafka, type LogEntry, logLevel, type Producer } from "kafkajs";
import { whileRetriable } from "./errors.ts";
import type {
  DeliveredMessage,
  OutgoingMessage,
  Publisher,
  SubscribeOptions,
  Subscription,
  Transport,
} from "./transport.ts";

export interface KafkaTransportOptions {
  brokers: readonly string[];
  clientId: string;
  log: Logger;
  /**
   * Prepended to every topic name (e.g. `test-42.`) and every consumer group id: lets tests and
   * benchmarks share a broker without seeing each other's events or joining each other's groups
   * (kafkajs' round-robin assigner deals every topic any member names to all members: two suites in
   * one group could take each other's partitions). Empty in production.
   */
  topicPrefix?: string;
  /** Partitions a consumer handles at the same time (default 3). */
  partitionsConsumedConcurrently?: number;
  /** How kafkajs opens its connections (tests put a fault-injecting proxy in between). */
  socketFactory?: ISocketFactory;
}

const KAFKA_LEVEL: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/** Routes kafkajs' own logs (errors only: its warnings repeat on every reconnect) to our logger. */
const logCreator = (log: Logger) => () => (entry: LogEntry) => {
  const level = KAFKA_LEVEL[entry.level] ?? "info";
  const { message, ...fields } = entry.log;
  log[level](`kafka: ${message}`, { namespace: entry.namespace, ...fields });
};

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value instanceof Buffer || typeof value === "string") {
      headers[name] = value.toString();
    }
  }
  return headers;
}

/** Kafka through kafkajs: idempotent producers (acks all), one consumer group per service. */
export function kafkaTransport(options: KafkaTransportOptions): Transport {
  const prefix = options.topicPrefix ?? "";
  const log = options.log.child({ component: "kafka" });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.ERROR,
    logCreator: logCreator(log),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
  });
  // Readiness must answer within the kit's 1.5 s budget: no retries, short timeouts.
  const probe = new Kafka({
    clientId: `${options.clientId}-probe`,
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 1_000,
    retry: { retries: 0 },
  });
  const closers = new Set<() => Promise<void>>();

  function publisher(clientId: string): Publisher {
    let producer: Producer | undefined;
    let connecting: Promise<Producer> | undefined;
    const connect = () => {
      connecting ??= (async () => {
        const created = kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          // Bounded so the relay sees an outage and backs off; it retries the rows itself.
          retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 2_000 },
        });
        await created.connect();
        producer = created;
        return created;
      })().catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      return connecting;
    };
    const reset = async () => {
      const old = producer;
      producer = undefined;
      connecting = undefined;
      await old?.disconnect().catch(() => undefined);
    };
    const close = async () => {
      closers.delete(close);
      await reset();
    };
    closers.add(close);
    /**
     * One send at a time per producer. kafkajs numbers an idempotent producer's batches per partition
     * and, when a request fails, gives its numbers back for the retry; a second send in between takes
     * those same numbers. If the failed request had in fact been written (its answer lost, as when a
     * broker stops), the broker takes the second batch for a duplicate of it, answers success and
     * drops it: an event marked published that no consumer ever sees (packages/events/test/
     * publisher-lost-answer.test.ts). kafkajs sends one request per broker at a time anyway.
     */
    let queue: Promise<unknown> = Promise.resolve();
    const sendAlone = async (messages: readonly OutgoingMessage[]) => {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const message of messages) {
        const list = byTopic.get(message.topic) ?? [];
        list.push(message);
        byTopic.set(message.topic, list);
      }
      const active = producer ?? (await connect());
      try {
        await active.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic: prefix + topic,
            messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
          })),
        });
      } catch (error) {
        // A fresh producer (new producer id) after a failure, before the next send: kafkajs'
        // idempotent state can be stale after a broker restart. Consumers dedupe whatever is sent twice.
        log.warn("publish failed; reconnecting the producer", { clientId, message: String(error) });
        await reset();
        throw error;
      }
    };
    return {
      async send(messages: readonly OutgoingMessage[]) {
        if (messages.length === 0) {
          return;
        }
        const turn = queue.then(() => sendAlone(messages));
        queue = turn.catch(() => undefined);
        await turn;
      },
      close,
    };
  }

  async function subscribe(sub: SubscribeOptions): Promise<Subscription> {
    const consumer: Consumer = kafka.consumer({
      groupId: prefix + sub.group,
      // A consumer that died (kill -9) holds its partitions until this expires.
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      // How long a fetch waits on the broker for new messages. Leaving the group waits for the fetch
      // in flight: at kafkajs' 5 s default, Ctrl-C on a connected `npm start` outlasted its 10 s
      // shutdown budget; an idle consumer asking once a second instead costs nothing measurable.
      maxWaitTimeInMs: 1_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 5_000 },
    });
    let running = true;
    consumer.on(consumer.events.CRASH, (event) => {
      log.error("consumer crashed; kafkajs restarts it", {
        group: sub.group,
        message: String(event.payload.error),
        restart: event.payload.restart,
      });
    });
    await consumer.connect();
    // Right after topics are created or deleted, a broker may briefly not host a partition yet.
    await whileRetriable(
      () =>
        consumer.subscribe({
          topics: sub.topics.map((t) => prefix + t),
          fromBeginning: (sub.startAt ?? "earliest") === "earliest",
        }),
      15_000,
    );
    // A group starting at the latest offset only hears what comes after it joins: resolve once joined.
    const joined =
      sub.startAt === "latest"
        ? new Promise<void>((resolve) => {
            const off = consumer.on(consumer.events.GROUP_JOIN, () => {
              off();
              resolve();
            });
          })
        : undefined;
    await consumer.run({
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
      eachBatchAutoResolve: false,
      autoCommitInterval: 1_000,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        const topic = batch.topic.slice(prefix.length);
        sub.onLag?.(topic, batch.partition, Number(batch.offsetLagLow()) + 1);
        const messages: DeliveredMessage[] = batch.messages.map((m) => ({
          topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key?.toString() ?? null,
          value: m.value?.toString() ?? null,
          headers: headersOf(m.headers as Record<string, unknown> | undefined),
        }));
        if (messages.length === 0) {
          return;
        }
        await sub.onBatch(messages, {
          heartbeat,
          isRunning: () => running && isRunning() && !isStale(),
        });
        const last = messages.at(-1);
        if (last) {
          resolveOffset(last.offset);
        }
        await commitOffsetsIfNecessary();
        sub.onLag?.(topic, batch.partition, Math.max(0, Number(batch.offsetLag())));
      },
    });
    if (joined) {
      await Promise.race([joined, Bun.sleep(15_000)]);
    }
    const stop = async () => {
      running = false;
      closers.delete(stop);
      await consumer.disconnect().catch(() => undefined);
    };
    closers.add(stop);
    return { stop };
  }

  return {
    kind: "kafka",
    publisher,
    subscribe,
    async check() {
      const admin = probe.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
    async close() {
      await Promise.all([...closers].map((close) => close()));
    },
  };
}
