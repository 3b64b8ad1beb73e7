import { readEnv } from "@vextrus/platform";
import type { z } from "zod";
import { CreateTopicsEnv, processEnv } from "./env.ts";
import { createCatalogTopics, withKafkaAdmin } from "./topics.ts";

/**
 * `topics:create`: creates every catalog topic and DLQ that is missing, prints a table of what it
 * created or found. Returns the process exit code. Reads KAFKA_BROKERS, KAFKA_REPLICATION_FACTOR
 * (default 1), KAFKA_PARTITIONS (overrides the catalog's counts; DLQs keep theirs), KAFKA_TOPIC_PREFIX.
 */
export async function runCreateTopics(
  source: Record<string, string | undefined> = processEnv(),
  print: (line: string) => void = console.log,
): Promise<number> {
  let env: z.infer<typeof CreateTopicsEnv>;
  try {
    env = readEnv(CreateTopicsEnv, source);
  } catch (error) {
    print(error instanceof Error ? error.message : String(error));
    return 1;
  }
  try {
    const outcomes = await withKafkaAdmin(env.KAFKA_BROKERS.split(","), (admin) =>
      createCatalogTopics(admin, {
        replicationFactor: env.KAFKA_REPLICATION_FACTOR,
        partitions: env.KAFKA_PARTITIONS,
        prefix: env.KAFKA_TOPIC_PREFIX,
      }),
    );
    const width = Math.max(...outcomes.map((o) => o.name.length), 5);
    print(`${"topic".padEnd(width)}  partitions  retention  status`);
    for (const o of outcomes) {
      const partitions =
        o.actualPartitions === o.partitions
          ? String(o.partitions)
          : `${o.actualPartitions} (want ${o.partitions})`;
      const days = `${Math.round(o.retentionMs / 86_400_000)} d`;
      print(`${o.name.padEnd(width)}  ${partitions.padStart(10)}  ${days.padStart(9)}  ${o.status}`);
    }
    const created = outcomes.filter((o) => o.status === "created").length;
    print(
      `\n${created} created, ${outcomes.length - created} already there (${outcomes.length} topics, replication factor ${env.KAFKA_REPLICATION_FACTOR}).`,
    );
    return 0;
  } catch (error) {
    print(
      `Could not create the topics on ${env.KAFKA_BROKERS}: ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  }
}
