import type { Logger } from "@vextrus/platform";
import type {
  DeliveredMessage,
  OutgoingMessage,
  Publisher,
  SubscribeOptions,
  Subscription,
  Transport,
} from "./transport.ts";

interface Group {
  topics: Set<string>;
  options: SubscribeOptions | undefined;
  /** Resolves when the group subscribes again after a stop (a service restarting in-process). */
  back: ReturnType<typeof Promise.withResolvers<void>>;
  /** Batches being handled, so stop() can wait for them. */
  inFlight: Set<Promise<void>>;
}

export interface InProcessBus extends Transport {
  /** Opens delivery once every service of the process has subscribed (publishing waits until then). */
  start(): void;
  /** Messages dead-lettered in this process (embedded mode has no DLQ topics to keep them). */
  deadLetters(): readonly DeliveredMessage[];
  /** Publishes the dead letters of `dlqTopic` to their original topic again and forgets them. */
  replayDeadLetters(dlqTopic: string): Promise<number>;
}

/**
 * The transport of embedded mode. Relays read the same outbox tables as with Kafka and hand rows to
 * the bus, which runs every subscribed group's consumer (same inbox, retries and dead-lettering)
 * before the relay marks the rows sent. A publish therefore resolves only once every consumer group
 * registered in the process has handled the events: a crash before that leaves the rows unsent, and
 * they are delivered again at the next start (the inbox makes that harmless). A registered group that
 * is stopped (its service restarting) pauses publishing until it is back, as Kafka would keep the
 * events for it.
 */
export function createInProcessBus(options: { log: Logger }): InProcessBus {
  const log = options.log.child({ component: "bus" });
  const groups = new Map<string, Group>();
  const offsets = new Map<string, number>();
  const dead: DeliveredMessage[] = [];
  const started = Promise.withResolvers<void>();
  let closed = false;

  const nextOffset = (topic: string) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    return String(offset);
  };

  async function deliver(group: Group, messages: DeliveredMessage[]): Promise<void> {
    for (;;) {
      if (closed) {
        throw new Error("the in-process bus is closed");
      }
      const sub = group.options;
      if (!sub) {
        await group.back.promise;
        continue;
      }
      let running = true;
      const work = sub.onBatch(messages, {
        heartbeat: async () => {},
        isRunning: () => running && group.options === sub && !closed,
      });
      const tracked = work.then(
        () => undefined,
        () => undefined,
      );
      group.inFlight.add(tracked);
      try {
        await work;
        return;
      } catch (error) {
        running = false;
        if (group.options === sub && !closed) {
          throw error;
        }
        // The group stopped half-way: deliver again once it is back (its inbox skips what it applied).
      } finally {
        group.inFlight.delete(tracked);
      }
    }
  }

  async function publish(messages: readonly OutgoingMessage[]): Promise<void> {
    await started.promise;
    const delivered: DeliveredMessage[] = messages.map((m) => ({
      topic: m.topic,
      partition: 0,
      offset: nextOffset(m.topic),
      key: m.key,
      value: m.value,
      headers: { ...m.headers },
    }));
    const work: Promise<void>[] = [];
    for (const group of groups.values()) {
      const mine = delivered.filter((m) => group.topics.has(m.topic));
      if (mine.length > 0) {
        work.push(deliver(group, mine));
      }
    }
    const unclaimed = delivered.filter(
      (m) => m.topic.endsWith(".dlq") && ![...groups.values()].some((g) => g.topics.has(m.topic)),
    );
    for (const letter of unclaimed) {
      dead.push(letter);
      log.error("event dead-lettered", {
        topic: letter.topic,
        error: letter.headers["x-dlq-error"],
        consumer: letter.headers["x-dlq-consumer"],
      });
    }
    await Promise.all(work);
  }

  const bus: InProcessBus = {
    kind: "in-process",
    publisher(): Publisher {
      const closing = Promise.withResolvers<never>();
      closing.promise.catch(() => undefined);
      return {
        runsConsumers: true,
        send: (messages) => Promise.race([publish(messages), closing.promise]),
        async close() {
          closing.reject(new Error("publisher closed"));
        },
      };
    },
    async subscribe(sub: SubscribeOptions): Promise<Subscription> {
      const existing = groups.get(sub.group);
      const group: Group = existing ?? {
        topics: new Set(),
        options: undefined,
        back: Promise.withResolvers<void>(),
        inFlight: new Set(),
      };
      group.topics = new Set(sub.topics);
      group.options = sub;
      groups.set(sub.group, group);
      group.back.resolve();
      return {
        async stop() {
          if (group.options !== sub) {
            return;
          }
          group.options = undefined;
          group.back = Promise.withResolvers<void>();
          await Promise.all(group.inFlight);
        },
      };
    },
    async check() {
      if (closed) {
        throw new Error("the in-process bus is closed");
      }
    },
    async close() {
      closed = true;
      for (const group of groups.values()) {
        group.back.resolve();
      }
      started.resolve();
    },
    start() {
      started.resolve();
    },
    deadLetters: () => dead,
    async replayDeadLetters(dlqTopic: string) {
      const letters = dead.filter((m) => m.topic === dlqTopic);
      const original = dlqTopic.replace(/\.dlq$/, "");
      for (const letter of letters) {
        dead.splice(dead.indexOf(letter), 1);
      }
      await publish(
        letters.map((m) => ({ topic: original, key: m.key ?? "", value: m.value ?? "", headers: {} })),
      );
      return letters.length;
    },
  };
  return bus;
}
