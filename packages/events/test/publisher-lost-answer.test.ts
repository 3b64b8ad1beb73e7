/**
 * A lost answer must not lose the next event. kafkajs numbers an idempotent producer's batches per
 * partition and gives a failed request's numbers back for its retry; a second send taking them in
 * between was answered "success" by the broker, which saw a duplicate of the first batch, and dropped
 * (found behind a crash-suite run where audit held 2,003 of 2,004 events). The publisher now sends one
 * batch at a time. Real broker; a TCP proxy lets the broker write a batch, then drops its answer.
 */
import { afterAll, expect, test } from "bun:test";
import net from "node:net";
import { createLogger } from "@vextrus/platform";
import { kafkaBrokers, startTcpProxy } from "@vextrus/platform/testing";
import { Kafka, logLevel } from "kafkajs";
import { whileRetriable } from "../src/errors.ts";
import { kafkaTransport } from "../src/kafka.ts";

const [broker = ""] = kafkaBrokers();
const [host = "127.0.0.1", port = "9092"] = broker.split(":");
const proxy = startTcpProxy({ host, port: Number(port) });
const prefix = `lost-answer-${Date.now()}.`;
const topic = "orders";
const kafka = new Kafka({ clientId: "lost-answer-check", brokers: [broker], logLevel: logLevel.NOTHING });
const transport = kafkaTransport({
  brokers: [broker],
  clientId: "lost-answer",
  log: createLogger({ level: "error", write: () => {} }),
  topicPrefix: prefix,
  // Every connection (whatever address the broker advertises) goes through the proxy.
  socketFactory: ({ onConnect }) => net.connect({ host: "127.0.0.1", port: proxy.port }, onConnect),
});

afterAll(async () => {
  await transport.close();
  proxy.stop();
});

/** Every value in the topic (reads partition 0 to its end). */
async function valuesIn(fullTopic: string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}reader` });
  await consumer.connect();
  await consumer.subscribe({ topic: fullTopic, fromBeginning: true });
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(fullTopic);
  await admin.disconnect();
  const values: string[] = [];
  const last = Number(end?.high ?? 0) - 1;
  await new Promise<void>((done) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value));
        if (Number(message.offset) >= last) {
          done();
        }
      },
    });
  });
  await consumer.disconnect();
  return values;
}

test("a send made while another's answer is lost is written, not taken for its duplicate", async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: prefix + topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const publisher = transport.publisher("lost-answer");
  // A new topic's partition may take a moment to be served (the relay retries the same way).
  await whileRetriable(() => publisher.send([{ topic, key: "warm", value: "warm-up" }]), 30_000);
  const rounds = 4;
  for (let round = 0; round < rounds; round++) {
    proxy.loseAnswerTo(`first-${round}`);
    const sends = await Promise.allSettled([
      publisher.send([{ topic, key: "a", value: `first-${round}` }]),
      // Starts once the first request has failed inside kafkajs and is waiting to retry.
      Bun.sleep(30).then(() => publisher.send([{ topic, key: "b", value: `second-${round}` }])),
    ]);
    // As the relay does: a send that failed is sent again (consumers dedupe what arrives twice).
    for (const [i, result] of sends.entries()) {
      if (result.status === "rejected") {
        await publisher.send([{ topic, key: "again", value: `${i === 0 ? "first" : "second"}-${round}` }]);
      }
    }
  }
  const values = new Set(await valuesIn(prefix + topic));
  const missing = Array.from({ length: rounds }, (_, r) => [`first-${r}`, `second-${r}`])
    .flat()
    .filter((value) => !values.has(value));
  expect(missing).toEqual([]);
}, 120_000);
