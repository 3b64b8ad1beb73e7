// `npm run bench:notification` (issue #16): N task-assigned events → mails accepted by a real SMTP
// server (GreenMail), side by side with the floor: nodemailer sending the same N prepared messages
// straight to the same server over the same pooled transport. Rounds interleave the two (after one
// uncounted warm-up round), so both see the same background noise on the shared cores; the ratio is
// the median of the rounds' ratios.
//   pipeline: events published to Kafka → the notification consumer (inbox claim, recipient resolved
//   from the contact list, templates rendered, deliveries recorded with the outbox) → the dispatcher
//   (claims, sends through SMTP, records `sent`). p99 is event published → mail accepted (`sent_at`).
// It starts its own Kafka broker and GreenMail and finds or starts PostgreSQL like `npm test`; the
// notification service runs as its own process (`bun services/notification/src/main.ts`), as in production.
//   BENCH_MESSAGES=10000  events per round   BENCH_ROUNDS=2   BENCH_APPROVERS=200
//   BENCH_PROFILE=<dir>   the service's CPU profile (`bun --cpu-prof --cpu-prof-md`) written there at the end
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildEvent, createCatalogTopics, kafkaTransport, withKafkaAdmin } from "@vextrus/events";
import { MIGRATIONS } from "@vextrus/notification/boot";
import { smtpChannel } from "@vextrus/notification/email";
import { createLogger } from "@vextrus/platform";
import { migrateService } from "@vextrus/platform/db";
import postgres from "postgres";
import { render } from "../../services/notification/src/domain/templates.ts";
import { startGreenMail } from "../test-infra/greenmail.ts";
import { startLocalKafka } from "../test-infra/kafka.ts";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { freePort, repoRoot } from "../test-infra/process.ts";
import { median } from "./load.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const APPROVERS = Number(process.env.BENCH_APPROVERS ?? 200);
const TENANTS = 4;
const FROM = "Vextrus <no-reply@vextrus.local>";

const log = createLogger({ level: "error" });
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

console.log("Starting PostgreSQL, a Kafka broker and GreenMail for the benchmark…");
const pg = await ensurePostgres();
const kafka = await startLocalKafka({ logFile: join(repoRoot, ".cache/kafka/bench-notification.log") });
const smtp = await startGreenMail();
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
const database = `vx_bench_notif_${Bun.randomUUIDv7().slice(-12).replaceAll("-", "")}`;
await admin.unsafe(`create database ${database}`);
const url = Object.assign(new URL(pg.url), { pathname: `/${database}` }).toString();
const stops: (() => Promise<unknown>)[] = [];

try {
  await migrateService({ url }, "notification", MIGRATIONS);
  const bench = postgres(url, { max: 4, onnotice: () => {} });
  stops.push(() => bench.end());
  await withKafkaAdmin([kafka.brokers], (a) => createCatalogTopics(a, { replicationFactor: 1 }));

  // The approvers, as auth announced them (the contact list the consumer keeps), all in English.
  const tenants = Array.from({ length: TENANTS }, () => Bun.randomUUIDv7());
  const approvers = Array.from({ length: APPROVERS }, (_, i) => ({
    tenantId: tenants[i % TENANTS] ?? "",
    userId: Bun.randomUUIDv7(),
    email: `approver${i}@bench.example.com`,
  }));
  for (const a of approvers) {
    await bench`insert into notification.contacts (tenant_id, user_id, email, active)
      values (${a.tenantId}, ${a.userId}, ${a.email}, true)`;
    await bench`insert into notification.preferences (tenant_id, user_id, locale)
      values (${a.tenantId}, ${a.userId}, 'en')`;
  }

  // The service, as its own process: consumer, dispatcher (SMTP to GreenMail) and outbox relay.
  // BENCH_PROFILE=<dir>: the service writes a CPU profile (and its Markdown summary) there when it stops.
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const service = Bun.spawn(
    [process.execPath, ...profile, join(repoRoot, "services/notification/src/main.ts")],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: url,
        KAFKA_BROKERS: kafka.brokers,
        SMTP_URL: smtp.url,
        PORT: String(freePort(13007)),
        LOG_LEVEL: "error",
        DISPATCH_INTERVAL_MS: "50",
      },
      stdout: "ignore",
      stderr: "inherit",
    },
  );
  stops.push(async () => {
    service.kill("SIGTERM");
    await service.exited;
  });

  const transport = kafkaTransport({ brokers: [kafka.brokers], clientId: "bench-notification", log });
  stops.push(() => transport.close());
  const publisher = transport.publisher("bench-workflow");
  stops.push(() => publisher.close());
  const purge = async () => {
    const res = await fetch(`${smtp.api}/api/mail/purge`, { method: "POST" });
    await res.body?.cancel();
  };
  const sentCount = async (since: Date) =>
    Number(
      (
        await bench`select count(*)::int as n from notification.deliveries
          where channel = 'email' and status = 'sent' and created_at >= ${since}`
      )[0]?.n ?? 0,
    );

  /** The pipeline: n task-assigned events published, until n mails are accepted. */
  const pipeline = async (n: number) => {
    const since = new Date(Date.now() - 1000);
    const published = new Map<string, number>();
    const started = performance.now();
    const batch = 500;
    for (let i = 0; i < n; i += batch) {
      const built = Array.from({ length: Math.min(batch, n - i) }, (_, j) => {
        const approver = approvers[(i + j) % APPROVERS] ?? approvers[0];
        const taskId = Bun.randomUUIDv7();
        return buildEvent({
          type: "vextrus.workflow.task.assigned",
          tenantId: approver?.tenantId ?? "",
          subject: taskId,
          data: { id: taskId, instanceId: Bun.randomUUIDv7(), assigneeId: approver?.userId ?? "" },
        });
      });
      await publisher.send(
        built.map((b) => ({ topic: b.topic, key: b.key, value: JSON.stringify(b.event) })),
      );
      const at = Date.now();
      for (const b of built) {
        published.set(b.event.id, at);
      }
    }
    while ((await sentCount(since)) < n) {
      await Bun.sleep(50);
    }
    const seconds = (performance.now() - started) / 1000;
    const rows = await bench`select event_id, extract(epoch from sent_at) * 1000 as at,
        extract(epoch from created_at) * 1000 as recorded
      from notification.deliveries where channel = 'email' and created_at >= ${since}`;
    const latencies = rows
      .map((r) => Number(r.at) - (published.get(r.event_id as string) ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    // Where the time goes: published → recorded by the consumer, recorded → accepted by the dispatcher.
    const consumed = rows
      .map((r) => Number(r.recorded) - (published.get(r.event_id as string) ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    const dispatched = rows.map((r) => Number(r.at) - Number(r.recorded)).sort((a, b) => a - b);
    const first = Math.min(...published.values());
    const lastRecorded = Math.max(...rows.map((r) => Number(r.recorded)));
    return {
      rate: n / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      stages: `consumer recorded all ${fmt(n)} in ${((lastRecorded - first) / 1000).toFixed(1)} s (published → recorded p50 ${fmt(percentile(consumed, 50))} ms), recorded → accepted p50 ${fmt(percentile(dispatched, 50))} ms p99 ${fmt(percentile(dispatched, 99))} ms`,
    };
  };

  /**
   * The floor: the same messages, prepared (the built-in task_assigned mail rendered as the pipeline
   * renders it: subject, text and HTML parts), sent by nodemailer over the same pooled SMTP transport.
   */
  const floor = async (n: number) => {
    const prepared = Array.from({ length: n }, (_, i) => ({
      id: Bun.randomUUIDv7(),
      to: approvers[i % APPROVERS]?.email ?? "",
      ...render("task_assigned", "en", {
        link: `http://localhost:5173/tasks/${Bun.randomUUIDv7()}`,
        due: "",
        subject: "",
      }),
    }));
    const direct = smtpChannel(smtp.url, FROM);
    const started = performance.now();
    const latencies: number[] = [];
    await Promise.all(
      prepared.map(async (m) => {
        const t0 = performance.now();
        await direct.send(m);
        latencies.push(performance.now() - t0);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    direct.close();
    latencies.sort((a, b) => a - b);
    return { rate: n / seconds, p99: percentile(latencies, 99) };
  };

  const rounds: { floor: number; pipeline: number; p50: number; p99: number; floorP99: number }[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const n = round === 0 ? Math.min(1_000, MESSAGES) : MESSAGES;
    await purge();
    const f = await floor(n);
    await purge();
    const p = await pipeline(n);
    console.log(
      `  round ${round} stages: ${p.stages}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    if (round === 0) {
      continue;
    }
    rounds.push({ floor: f.rate, pipeline: p.rate, p50: p.p50, p99: p.p99, floorP99: f.p99 });
    console.log(
      `round ${round}: nodemailer direct ${fmt(f.rate)} mails/s, events → mails ${fmt(p.rate)} mails/s (ratio ${(p.rate / f.rate).toFixed(2)}), event → accepted p50 ${fmt(p.p50)} ms p99 ${fmt(p.p99)} ms`,
    );
  }
  await purge();

  const ratio = median(rounds.map((r) => r.pipeline / r.floor));
  console.log(
    `\n${fmt(MESSAGES)} task-assigned events per round, ${ROUNDS} rounds, medians; ${APPROVERS} approvers in ${TENANTS} tenants`,
  );
  console.log("| measure | value | target |");
  console.log("|---|---|---|");
  console.log(
    `| nodemailer sending the prepared messages directly (floor) | ${fmt(median(rounds.map((r) => r.floor)))} mails/s | |`,
  );
  console.log(
    `| events → Kafka → notification → SMTP accepted | ${fmt(median(rounds.map((r) => r.pipeline)))} mails/s | |`,
  );
  console.log(
    `| ratio pipeline / floor (median of rounds) | ${ratio.toFixed(2)} | ≥ 0.50 ${ratio >= 0.5 ? "✓" : "✗"} |`,
  );
  console.log(`| p50 event published → mail accepted | ${fmt(median(rounds.map((r) => r.p50)))} ms | |`);
  console.log(`| p99 event published → mail accepted | ${fmt(median(rounds.map((r) => r.p99)))} ms | |`);
  console.log(
    `| p99 of one direct send with all of them queued at once (floor) | ${fmt(median(rounds.map((r) => r.floorP99)))} ms | |`,
  );
} finally {
  for (const stop of stops.reverse()) {
    await stop().catch(() => undefined);
  }
  await smtp.stop();
  await kafka.stop();
  await admin.unsafe(`drop database if exists ${database} with (force)`).catch(() => undefined);
  await admin.end();
  await pg.stop();
}
