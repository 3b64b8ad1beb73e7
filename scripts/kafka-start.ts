// Dev convenience: runs the tests' Kafka broker (Apache Kafka from Maven jars, KRaft, one node) in
// the foreground until Ctrl-C. Prints the KAFKA_BROKERS value to use.
//   npm run kafka:start
import { join } from "node:path";
import { type LocalKafka, startLocalKafka } from "./test-infra/kafka.ts";
import { errorMessage, repoRoot } from "./test-infra/process.ts";

const logFile = join(repoRoot, ".cache/kafka/dev-broker.log");

let broker: LocalKafka;
try {
  broker = await startLocalKafka({ logFile });
} catch (error) {
  console.error(errorMessage(error));
  process.exit(1);
}

console.log(`Kafka: ${broker.description}`);
console.log(`Log: ${logFile}`);
console.log(`KAFKA_BROKERS=${broker.brokers}`);
console.log("Press Ctrl-C to stop.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log("Stopping Kafka…");
    void broker.stop().finally(() => process.exit(0));
  });
}

const code = await broker.exited;
if (!stopping) {
  console.error(`Kafka exited by itself (code ${code}); see ${logFile}`);
  process.exit(1);
}
