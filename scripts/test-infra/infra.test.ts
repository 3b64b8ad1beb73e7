// Proves the test run reached a real PostgreSQL and a real Kafka (the ones scripts/test.ts provides).
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { Kafka, logLevel } from "kafkajs";

function required(name: "TEST_DATABASE_URL" | "KAFKA_BROKERS"): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Run the tests with \`npm test\` (scripts/test.ts), which starts PostgreSQL and Kafka and sets it.`,
    );
  }
  return value;
}

test("PostgreSQL at TEST_DATABASE_URL answers select version()", async () => {
  const sql = new SQL(required("TEST_DATABASE_URL"), { max: 1, connectionTimeout: 10 });
  try {
    const rows: Array<{ version: string }> = await sql`select version() as version`;
    expect(rows[0]?.version).toStartWith("PostgreSQL ");
  } finally {
    await sql.close({ timeout: 0 });
  }
});

test("Kafka at KAFKA_BROKERS: create a topic, produce, consume with a consumer group", async () => {
  const kafka = new Kafka({
    clientId: "vextrus-infra-test",
    brokers: required("KAFKA_BROKERS").split(","),
    logLevel: logLevel.NOTHING,
  });
  const id = crypto.randomUUID();
  const topic = `vextrus.test-infra.${id}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true });
  const consumer = kafka.consumer({ groupId: `vextrus-test-infra-${id}` });
  try {
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
      true,
    );

    await producer.connect();
    await producer.send({ topic, messages: [{ key: id, value: `hello ${id}` }] });

    const received = Promise.withResolvers<string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.resolve(message.value?.toString() ?? "");
      },
    });
    expect(await received.promise).toBe(`hello ${id}`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}, 60_000);
