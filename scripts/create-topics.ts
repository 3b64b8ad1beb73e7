// `npm run topics:create`: creates every catalog topic and its dead-letter topic on the cluster in
// KAFKA_BROKERS. Idempotent: existing topics are reported, never changed.
//   KAFKA_BROKERS=host:port[,…]       required
//   KAFKA_REPLICATION_FACTOR=3        default 1 (a single dev broker); 3 in production
//   KAFKA_PARTITIONS=6                overrides the catalog's partition counts (DLQs keep theirs)
//   KAFKA_TOPIC_PREFIX=staging.       prepended to every name (default none)
import { runCreateTopics } from "@vextrus/events";

process.exitCode = await runCreateTopics();
