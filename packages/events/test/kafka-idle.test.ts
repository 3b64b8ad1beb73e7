/**
 * kafkajs 2.2.4 re-arms a timer with a negative delay on every connection even when nothing is
 * pending, so each idle client spun a 1 ms loop forever (kafkajs#1556, #1704). The project patches
 * it (scripts/patches/kafkajs@2.2.4.patch, applied by `bun install`): this checks the patch is in
 * place, with a real producer connected to the real broker and doing nothing.
 */
import { expect, test } from "bun:test";
import { kafkaBrokers } from "@vextrus/platform/testing";
import { Kafka, logLevel } from "kafkajs";

test("an idle kafkajs connection arms no busy timer", async () => {
  const kafka = new Kafka({ clientId: "idle-check", brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.listTopics();
  const original = globalThis.setTimeout;
  let shortTimers = 0;
  const counting = ((handler: () => void, delay?: number, ...rest: unknown[]) => {
    if (delay === undefined || delay <= 1) {
      shortTimers++;
    }
    return original(handler, delay, ...rest);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  try {
    await Bun.sleep(1_000);
  } finally {
    globalThis.setTimeout = original;
    await producer.disconnect();
    await admin.disconnect();
  }
  // Unpatched, two connections re-arm about a thousand 1 ms timers each in this second.
  expect(shortTimers).toBeLessThan(20);
}, 30_000);
