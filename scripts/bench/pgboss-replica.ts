// One pg-boss replica of `bench:scheduler`: works the queue, each job calling the same no-op
// procedure over HTTP as the scheduler's jobs do (the platform's service client). Stops on SIGTERM.
import { createServiceClient } from "@vextrus/platform";
import { PgBoss } from "pg-boss";
import { z } from "zod";

const queue = process.env.QUEUE ?? "noop";
const client = createServiceClient({
  service: "noop",
  url: process.env.TARGET_URL ?? "",
  timeoutMs: 30_000,
});
const boss = new PgBoss({ connectionString: process.env.DATABASE_URL ?? "", schema: "pgboss" });
boss.on("error", (error) => console.error("pg-boss replica:", error));
await boss.start();
// As the scheduler replica's defaults: up to 20 jobs at once, a poll every 0.5 s (pg-boss's minimum),
// and no wait between fetches while they come back full.
await boss.work(
  queue,
  { batchSize: 20, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
  async (jobs) => {
    await Promise.all(
      jobs.map(() =>
        client.mutation("noop.ping", {}, z.unknown(), {
          requestId: Bun.randomUUIDv7(),
          authorization: "Bearer bench",
        }),
      ),
    );
  },
);
process.on("SIGTERM", () => {
  boss.stop({ graceful: true }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
