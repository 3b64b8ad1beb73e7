import { expect, test } from "bun:test";
import { kafkaBrokers } from "@vextrus/platform/testing";
import { allTopicSpecs, runCreateTopics, withKafkaAdmin } from "../src/index.ts";

test("topics:create makes every catalog topic and DLQ once, then only reports them", async () => {
  const prefix = `t-topics-${Bun.randomUUIDv7().slice(-8)}.`;
  const env = { KAFKA_BROKERS: kafkaBrokers().join(","), KAFKA_TOPIC_PREFIX: prefix, KAFKA_PARTITIONS: "2" };
  const first: string[] = [];
  const second: string[] = [];
  try {
    expect(await runCreateTopics(env, (line) => first.push(line))).toBe(0);
    expect(await runCreateTopics(env, (line) => second.push(line))).toBe(0);
    const specs = allTopicSpecs();
    expect(first.at(-1)).toBe(
      `\n${specs.length} created, 0 already there (${specs.length} topics, replication factor 1).`,
    );
    expect(second.at(-1)).toBe(
      `\n0 created, ${specs.length} already there (${specs.length} topics, replication factor 1).`,
    );
    expect(first[0]).toMatch(/^topic +partitions {2}retention {2}status$/);
    expect(first).toContainEqual(
      expect.stringMatching(new RegExp(`^${prefix}vextrus\\.auth\\.user +2 +7 d  created$`)),
    );
    expect(first).toContainEqual(
      expect.stringMatching(new RegExp(`^${prefix}vextrus\\.auth\\.user\\.dlq +1 +30 d  created$`)),
    );
    const metadata = await withKafkaAdmin(kafkaBrokers(), (admin) =>
      admin.fetchTopicMetadata({ topics: [`${prefix}vextrus.organization.department`] }),
    );
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  } finally {
    await withKafkaAdmin(kafkaBrokers(), async (admin) => {
      const mine = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
      await admin.deleteTopics({ topics: mine });
    });
  }
  const bad: string[] = [];
  expect(await runCreateTopics({ KAFKA_BROKERS: "not a broker" }, (line) => bad.push(line))).toBe(1);
  expect(bad.join("\n")).toContain("KAFKA_BROKERS");
}, 60_000);
