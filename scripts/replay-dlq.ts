// Replays a dead-letter topic after the fix is deployed: every dead letter not replayed before is
// published again to its original topic (same key, same CloudEvent, so the same event id). Consumer
// groups that already applied an event skip it (inbox); the group that failed applies it now, or
// dead-letters it again. Progress is kept in the consumer group `vextrus.dlq-replay.<dlq topic>`, so a
// second run replays only letters that arrived since.
//   npm run dlq:replay -- vextrus.organization.department.dlq [--consumer vextrus.audit] [--dry-run]
//   KAFKA_BROKERS=host:port[,…]   required
//   KAFKA_TOPIC_PREFIX=…          prefix of the cluster's topic names (default none)
import { parseArgs } from "node:util";
import { readEnvOrExit } from "@vextrus/platform";
import { type IHeaders, Kafka, logLevel } from "kafkajs";
import { z } from "zod";

const Env = z.object({
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "must be host:port[,host:port…]"),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(""),
});

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    consumer: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    "timeout-ms": { type: "string", default: "60000" },
  },
});

const dlqTopic = positionals[0];
if (!dlqTopic?.endsWith(".dlq") || positionals.length !== 1) {
  console.error("usage: npm run dlq:replay -- <topic>.dlq [--consumer <group>] [--dry-run]");
  process.exit(2);
}
const env = readEnvOrExit(Env, process.env);
const dryRun = values["dry-run"] ?? false;
const onlyConsumer = values.consumer;
const timeoutMs = Number(values["timeout-ms"]);
const prefix = env.KAFKA_TOPIC_PREFIX;
const fullDlq = prefix + dlqTopic;
const groupId = `vextrus.dlq-replay.${dlqTopic}`;

const kafka = new Kafka({
  clientId: "vextrus-replay-dlq",
  brokers: env.KAFKA_BROKERS.split(","),
  logLevel: logLevel.ERROR,
  retry: { retries: 5 },
});
const admin = kafka.admin();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });

/** Offsets to reach per partition: the end of the DLQ when the replay starts. */
async function workToDo(): Promise<Map<number, bigint>> {
  const ends = await admin.fetchTopicOffsets(fullDlq);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [fullDlq] });
  const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  const work = new Map<number, bigint>();
  for (const end of ends) {
    const high = BigInt(end.high);
    const from = (done.get(end.partition) ?? -1n) >= 0n ? (done.get(end.partition) ?? 0n) : BigInt(end.low);
    if (from < high) {
      work.set(end.partition, high);
    }
  }
  return work;
}

/** The event's own headers, without what the dead-lettering added. */
function withoutDlqHeaders(headers: IHeaders): Record<string, Buffer | string> {
  const kept: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("x-dlq-") && (typeof value === "string" || Buffer.isBuffer(value))) {
      kept[name] = value;
    }
  }
  return kept;
}

let replayed = 0;
let skipped = 0;
const byType = new Map<string, number>();

try {
  await admin.connect();
  const work = await workToDo();
  if (work.size === 0) {
    console.log(`${fullDlq}: nothing to replay.`);
  } else {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: fullDlq, fromBeginning: true });
    const finished = Promise.withResolvers<void>();
    const timer = setTimeout(() => finished.reject(new Error(`not done within ${timeoutMs} ms`)), timeoutMs);
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = work.get(partition);
        const offset = BigInt(message.offset);
        if (end === undefined || offset >= end) {
          return;
        }
        const headers = message.headers ?? {};
        const original = headers["x-dlq-original-topic"]?.toString() ?? dlqTopic.replace(/\.dlq$/, "");
        const failedIn = headers["x-dlq-consumer"]?.toString();
        const mine = !onlyConsumer || failedIn === onlyConsumer;
        if (mine && !dryRun) {
          await producer.send({
            topic: prefix + original,
            acks: -1,
            messages: [
              {
                key: message.key,
                value: message.value,
                headers: { ...withoutDlqHeaders(headers), "x-replayed-from": dlqTopic },
              },
            ],
          });
        }
        if (mine) {
          replayed++;
          const type = (() => {
            try {
              return (JSON.parse(message.value?.toString() ?? "{}") as { type?: string }).type ?? "(no type)";
            } catch {
              return "(not JSON)";
            }
          })();
          byType.set(type, (byType.get(type) ?? 0) + 1);
          console.log(
            `${dryRun ? "would replay" : "replayed"} ${partition}/${message.offset} → ${original}: ${type} (failed in ${failedIn ?? "?"}: ${headers["x-dlq-error"]?.toString().slice(0, 120) ?? "?"})`,
          );
        } else {
          skipped++;
        }
        if (!dryRun) {
          await consumer.commitOffsets([{ topic: fullDlq, partition, offset: String(offset + 1n) }]);
        }
        if (offset + 1n >= end) {
          work.delete(partition);
          if (work.size === 0) {
            finished.resolve();
          }
        }
      },
    });
    await finished.promise.finally(() => clearTimeout(timer));
  }
  console.log(
    `\n${fullDlq}: ${replayed} ${dryRun ? "to replay" : "replayed"}${onlyConsumer ? `, ${skipped} of other consumers left alone` : ""}.`,
  );
  for (const [type, n] of byType) {
    console.log(`  ${String(n).padStart(6)}  ${type}`);
  }
} catch (error) {
  console.error(`Replay of ${fullDlq} failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await admin.disconnect().catch(() => undefined);
}
