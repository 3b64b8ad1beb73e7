// `npm run bench:events`: in one run,
//   1. rounds (after one uncounted warm-up round) of two measurements back to back, so both see the
//      same background noise (2 shared cores): raw kafkajs producer throughput (same message size
//      and producer settings as the relay), then outbox → relay → Kafka → audit draining an outbox
//      filled ahead. The ratio is the median of the rounds' ratios;
//   2. the pipeline sustained, with the state changes committed while it runs (the maximum rate);
//   3. latency from commit to audit entry (p50/p99) while events are committed at half that maximum.
//   CPU per event of each part over the drain rounds, from /proc (steadier than rates on a shared
//   machine): the audit process, this process (the relay, nothing else runs here while it drains) and
//   the PostgreSQL backends of the two benchmark databases.
// It starts its own Kafka broker (so no shared topic is touched) and finds or starts PostgreSQL like
// `npm test`. The audit service runs as its own process, as in production.
//   BENCH_EVENTS=30000  events per throughput run   BENCH_ROUNDS=3   BENCH_SECONDS=10  latency run
//   AUDIT_BUN_OPTIONS="--cpu-prof --cpu-prof-dir=…"  Bun flags for the audit process (profiling)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS as AUDIT_MIGRATIONS } from "@vextrus/audit/boot";
import {
  buildEvent,
  createCatalogTopics,
  emit,
  kafkaTransport,
  outboxTable,
  postgresListener,
  startRelay,
  withKafkaAdmin,
} from "@vextrus/events";
import { MIGRATIONS as ORG_MIGRATIONS } from "@vextrus/organization/boot";
import { createLogger } from "@vextrus/platform";
import { APP_ROLE, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { pgSchema } from "drizzle-orm/pg-core";
import { Kafka, logLevel } from "kafkajs";
import postgres from "postgres";
import { startLocalKafka } from "../test-infra/kafka.ts";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { freePort, repoRoot } from "../test-infra/process.ts";
import { cpuMicros, median } from "./load.ts";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TENANTS = 8;
const BATCH = 500;

const log = createLogger({ level: "error" });
const outbox = outboxTable(pgSchema("organization"));
const tenants = Array.from({ length: TENANTS }, () => Bun.randomUUIDv7());
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** A department rename as organization emits it (about 1.1 KB of JSON). */
function change(tenantId: string) {
  const id = Bun.randomUUIDv7();
  const now = new Date().toISOString();
  const row = { id, tenantId, companyId: id, parentId: null, code: "CIV", nameBn: null, archivedAt: null };
  return {
    type: "vextrus.organization.department.updated" as const,
    subject: id,
    tenantId,
    actorId: Bun.randomUUIDv7(),
    data: {
      id,
      before: { ...row, name: "Civil Works", version: 1, createdAt: now, updatedAt: now },
      after: { ...row, name: "Civil Works Department", version: 2, createdAt: now, updatedAt: now },
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

console.log("Starting PostgreSQL and a Kafka broker for the benchmark…");
const pg = await ensurePostgres();
const kafka = await startLocalKafka({ logFile: join(repoRoot, ".cache/kafka/bench-broker.log") });
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
const suffix = Bun.randomUUIDv7().slice(-12).replaceAll("-", "");
const databases = [`vx_bench_org_${suffix}`, `vx_bench_audit_${suffix}`];
for (const name of databases) {
  await admin.unsafe(`create database ${name}`);
}
const urlOf = (name: string) => Object.assign(new URL(pg.url), { pathname: `/${name}` }).toString();
const [orgUrl, auditUrl] = databases.map(urlOf) as [string, string];
let auditProcess: ReturnType<typeof Bun.spawn> | undefined;

try {
  await migrateService({ url: orgUrl }, "organization", ORG_MIGRATIONS);
  await migrateService({ url: auditUrl }, "audit", AUDIT_MIGRATIONS);
  // The raw run gets a topic of its own (same partitions as the outbox's), so the audit consumer,
  // which reads every catalog topic from the beginning, never sees its messages.
  const rawTopic = "bench.raw";
  await withKafkaAdmin([kafka.brokers], async (a) => {
    // First: a fresh broker answers metadata late for topics created right after a hundred others.
    await a.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: 3 }] });
    await createCatalogTopics(a, { replicationFactor: 1 });
  });
  const sample = buildEvent(change(Bun.randomUUIDv7()));
  const size = JSON.stringify(sample.event).length;

  // Raw producer: the relay's settings (idempotent, acks=all, one request in flight), its batch size.
  const client = new Kafka({ clientId: "bench-raw", brokers: [kafka.brokers], logLevel: logLevel.NOTHING });
  const messages = Array.from({ length: BATCH }, () => {
    const built = buildEvent(change(tenants[0] ?? ""));
    return { key: built.key, value: JSON.stringify(built.event) };
  });
  const measureRaw = async () => {
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages }] });
    const started = performance.now();
    for (let sent = 0; sent < EVENTS; sent += BATCH) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: rawTopic, messages }] });
    }
    const rate = EVENTS / ((performance.now() - started) / 1000);
    await producer.disconnect();
    return rate;
  };

  // The audit service, as its own process.
  const port = freePort(13006);
  auditProcess = Bun.spawn([process.execPath, join(repoRoot, "services/audit/src/main.ts")], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: auditUrl,
      KAFKA_BROKERS: kafka.brokers,
      PORT: String(port),
      LOG_LEVEL: "error",
      ...(process.env.AUDIT_BUN_OPTIONS ? { BUN_OPTIONS: process.env.AUDIT_BUN_OPTIONS } : {}),
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const auditSql = postgres(auditUrl, { max: 2, onnotice: () => {} });
  const recorded = async () =>
    Number((await auditSql`select coalesce(sum(seq), 0)::bigint as n from audit.chain_heads`)[0]?.n ?? 0);

  // 2. Throughput: fill the outbox, then let the relay and the audit consumer drain it.
  const db = postgresDatabase({ url: orgUrl, appRole: APP_ROLE, maxConnections: 8 });
  /** Writes `count` events in transactions of up to 50, spread over the tenants from `first` on. */
  const write = async (count: number, commits?: Map<string, number>, first = 0) => {
    const perTx = 50;
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < count; i += perTx) {
      const tenantId = tenants[(first + i / perTx) % TENANTS] ?? "";
      jobs.push(
        db
          .tenant(tenantId, async (tx) => {
            const ids: string[] = [];
            for (let j = 0; j < Math.min(perTx, count - i); j++) {
              ids.push((await emit(tx, outbox, change(tenantId))).id);
            }
            return ids;
          })
          .then((ids) => {
            const at = performance.timeOrigin + performance.now();
            for (const id of ids) {
              commits?.set(id, at);
            }
          }),
      );
      if (jobs.length >= 8) {
        await Promise.all(jobs.splice(0));
      }
    }
    await Promise.all(jobs);
  };
  const transport = kafkaTransport({ brokers: [kafka.brokers], clientId: "bench-org", log });
  const waitRecorded = async (n: number) => {
    while ((await recorded()) < n) {
      await Bun.sleep(20);
    }
  };
  const relayOn = () =>
    startRelay({
      db,
      outbox,
      publisher: transport.publisher("bench-relay"),
      log,
      listen: postgresListener(orgUrl),
    });

  /** CPU used so far by each PostgreSQL backend of the benchmark's databases, by pid. */
  const backendCpu = async () => {
    const pids = await admin<{ pid: number }[]>`
      select pid from pg_stat_activity where datname = any(${databases})`;
    return new Map(pids.map(({ pid }) => [pid, cpuMicros(pid)]));
  };
  /** CPU per event (µs) of the audit process, this process (the relay) and PostgreSQL while `run` runs. */
  const cpuPerEvent = async (events: number, run: () => Promise<void>) => {
    const auditPid = auditProcess?.pid ?? 0;
    const before = { audit: cpuMicros(auditPid), relay: cpuMicros(process.pid), pg: await backendCpu() };
    await run();
    const pgAfter = await backendCpu();
    let pg = 0;
    for (const [pid, used] of pgAfter) {
      pg += used - (before.pg.get(pid) ?? 0);
    }
    return {
      audit: (cpuMicros(auditPid) - before.audit) / events,
      relay: (cpuMicros(process.pid) - before.relay) / events,
      postgres: pg / events,
    };
  };

  // 1. Rounds: raw producer, then the pipeline draining an outbox filled while the relay is off.
  const rounds: { raw: number; drain: number; cpu: { audit: number; relay: number; postgres: number } }[] =
    [];
  let total = 0;
  let relay: ReturnType<typeof relayOn> | undefined;
  // Round 0 warms up the broker, the JIT and the audit consumer's group join; it is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    const raw = await measureRaw();
    await write(EVENTS, undefined, round);
    const drainStart = performance.now();
    total += EVENTS;
    const cpu = await cpuPerEvent(EVENTS, async () => {
      relay = relayOn();
      await waitRecorded(total);
    });
    const drain = EVENTS / ((performance.now() - drainStart) / 1000);
    await relay?.stop();
    relay = undefined;
    if (round === 0) {
      continue;
    }
    rounds.push({ raw, drain, cpu });
    console.log(
      `round ${round}: raw kafkajs producer ${fmt(raw)} msg/s, outbox → Kafka → audit draining ${fmt(drain)} events/s, ratio ${(drain / raw).toFixed(2)}; CPU per event: audit ${fmt(cpu.audit)} µs, relay ${fmt(cpu.relay)} µs, PostgreSQL ${fmt(cpu.postgres)} µs`,
    );
  }
  relay = relayOn();

  // 2. Sustained: the same number of events committed as fast as 8 writers can while it all runs.
  const sustainedStart = performance.now();
  await write(EVENTS, undefined, 3);
  total += EVENTS;
  await waitRecorded(total);
  const sustained = EVENTS / ((performance.now() - sustainedStart) / 1000);
  console.log(`outbox → Kafka → audit, commits included: ${fmt(sustained)} events/s`);

  // 3. Latency at half the sustained maximum: commit time here vs. the audit entry's recorded_at.
  const rate = sustained / 2;
  const commits = new Map<string, number>();
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const until = performance.now() + LATENCY_SECONDS * 1000;
  const pending: Promise<void>[] = [];
  let written = 0;
  let ticks = 0;
  while (performance.now() < until) {
    const tick = performance.now();
    pending.push(write(perTick, commits, ticks++));
    written += perTick;
    await Bun.sleep(Math.max(0, tickMs - (performance.now() - tick)));
  }
  await Promise.all(pending);
  await waitRecorded(total + written);
  const rows = await auditSql`
    select event_id, extract(epoch from recorded_at) * 1000 as at from audit.log_entries
    where event_id = any(${[...commits.keys()]})`;
  const latencies = rows
    .map((row) => Number(row.at) - (commits.get(row.event_id as string) ?? Number.NaN))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    `latency commit → audit entry at ${fmt(written / LATENCY_SECONDS)} events/s: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${fmt(latencies.length)} events)`,
  );

  const raw = median(rounds.map((r) => r.raw));
  const drain = median(rounds.map((r) => r.drain));
  const ratio = median(rounds.map((r) => r.drain / r.raw));
  console.log(
    `\n${size}-byte events, batches of ${BATCH}, acks=all; ${ROUNDS} rounds of ${fmt(EVENTS)} events, medians`,
  );
  console.log("| measure | value | target |");
  console.log("|---|---|---|");
  console.log(`| raw kafkajs producer | ${fmt(raw)} msg/s | |`);
  console.log(`| outbox → Kafka → audit, draining a filled outbox | ${fmt(drain)} events/s | |`);
  console.log(
    `| ratio end-to-end / raw (median of rounds) | ${ratio.toFixed(2)} | ≥ 0.30 ${ratio >= 0.3 ? "✓" : "✗"} |`,
  );
  for (const part of ["audit", "relay", "postgres"] as const) {
    console.log(
      `| CPU per event while draining: ${part === "postgres" ? "PostgreSQL" : part} | ${fmt(median(rounds.map((r) => r.cpu[part])))} µs | |`,
    );
  }
  console.log(`| load average at the end | ${readFileSync("/proc/loadavg", "utf8").trim()} | |`);
  console.log(`| outbox → Kafka → audit, commits included (maximum rate) | ${fmt(sustained)} events/s | |`);
  console.log(`| p50 commit → audit entry at half the maximum rate | ${p50.toFixed(1)} ms | |`);
  console.log(
    `| p99 commit → audit entry at half the maximum rate | ${p99.toFixed(1)} ms | < 1000 ms ${p99 < 1000 ? "✓" : "✗"} |`,
  );

  await relay?.stop();
  await transport.close();
  await db.close();
  await auditSql.end();
} finally {
  auditProcess?.kill("SIGTERM");
  await auditProcess?.exited;
  for (const name of databases) {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  }
  await admin.end();
  await kafka.stop();
  await pg.stop();
}
