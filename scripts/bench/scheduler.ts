// `bun run bench:scheduler`: 10,000 due jobs that each call a no-op tRPC procedure over HTTP, run by
// the scheduler (`services/scheduler/src/main.ts`, each replica a process of its own, as deployed)
// and, in the same run and against the same PostgreSQL and target, by pg-boss (each replica a
// process running `boss.work`). Per system:
//   burst  — every job due at the same moment, 1 and 3 replicas: jobs/s (jobs ÷ time from the due
//            moment to the last finish) and p99 lateness (start − due);
//   paced  — jobs due evenly at half the target rate (BENCH_PACED_RATE, default 500/s), 3 replicas:
//            p99 lateness;
//   PGlite — the embedded default: one worker in this process on an in-memory PGlite (as `npm start`
//            runs it), burst, the same target (pg-boss needs a PostgreSQL server, so it has no figure).
// Rounds interleave the systems (scheduler, pg-boss, scheduler, …); medians are reported.
// The procedure target's credential comes from a stand-in of auth's POST /service-tokens (the
// scheduler's production path: one token per tenant and job permissions, cached while it is fresh).
//   BENCH_JOBS=10000  BENCH_ROUNDS=3  BENCH_TENANTS=100  BENCH_PACED_RATE=500
import { loadavg } from "node:os";
import { join } from "node:path";
import { createLogger, createMetrics, createService, initServiceTrpc } from "@vextrus/platform";
import { APP_ROLE, migrateService, pgliteDatabase } from "@vextrus/platform/db";
import { openPglite } from "@vextrus/platform/pglite";
import { createTestDatabase } from "@vextrus/platform/testing";
import { MIGRATIONS } from "@vextrus/scheduler/boot";
import { PgBoss } from "pg-boss";
import postgres from "postgres";
import { Registry } from "prom-client";
import { authCredentials } from "../../services/scheduler/src/credentials.ts";
import { createWorker } from "../../services/scheduler/src/domain/worker.ts";
import { SchedulerEnv } from "../../services/scheduler/src/env.ts";
import { createSchedulerMetrics } from "../../services/scheduler/src/metrics.ts";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { repoRoot } from "../test-infra/process.ts";
import { median } from "./load.ts";
import { freePort } from "./servers.ts";

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 500);
const SECRET = "bench-scheduler-and-auth-share-this-secret";
const QUEUE = "noop";
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—");
const secs = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)} s` : "—");

const pg = await ensurePostgres();
process.env.TEST_DATABASE_URL ??= pg.url;
const testDb = await createTestDatabase("bench_scheduler");
await migrateService({ url: testDb.url }, "scheduler", MIGRATIONS);
const sql = postgres(testDb.url, { max: 4, onnotice: () => {} });

// The no-op procedure both systems call, and auth's token route as the scheduler asks it.
const t = initServiceTrpc<Record<string, never>>();
let calls = 0;
const target = createService({
  name: "noop",
  version: "0",
  router: t.router({ noop: t.router({ ping: t.publicProcedure.mutation(() => ({ ok: ++calls })) }) }),
  deps: {},
  log: createLogger({ level: "error", write: () => {} }),
  metrics: createMetrics("noop"),
  verifyToken: undefined,
  checks: {},
  routes: (app) => {
    app.post("/service-tokens", (c) =>
      c.json({ token: `bench.${Bun.randomUUIDv7()}`, expiresInSeconds: 60 }),
    );
  },
});
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: target.fetch });
const targetUrl = `http://127.0.0.1:${server.port}`;

const tenants = Array.from({ length: TENANTS }, () => Bun.randomUUIDv7());
const actor = Bun.randomUUIDv7();

/** Due times: all at `at` (burst), or evenly from `at` at `rate` per second (paced). */
const dueTimes = (at: number, rate?: number) =>
  Array.from({ length: JOBS }, (_, i) => new Date(rate ? at + (i * 1000) / rate : at));

/** A one-off job calling the no-op procedure, as `jobs.create` stores it. */
const jobRow = (at: Date, i: number) => ({
  id: Bun.randomUUIDv7(),
  tenant_id: tenants[i % tenants.length] as string,
  name: `bench ${i}`,
  schedule_kind: "once",
  run_at: at,
  next_run_at: at,
  target: { kind: "procedure", path: "noop.ping", type: "mutation" },
  timeout_ms: 30_000,
  max_attempts: 3,
  backoff_ms: 1_000,
  disable_after: 5,
  catch_up: "all",
  created_by: actor,
});

interface System {
  name: string;
  reset(): Promise<void>;
  enqueue(due: Date[]): Promise<void>;
  spawn(replicas: number): Promise<Bun.Subprocess[]>;
  done(): Promise<number>;
  /** Lateness of each run in seconds, and the last finish (ms). */
  measure(): Promise<{ lateness: number[]; lastFinish: number }>;
}

const schedulerSystem: System = {
  name: "scheduler",
  async reset() {
    await sql`truncate scheduler.runs, scheduler.jobs, scheduler.outbox`;
  },
  async enqueue(due) {
    const rows = due.map((at, i) => jobRow(at, i));
    for (let i = 0; i < rows.length; i += 1_000) {
      await sql`insert into scheduler.jobs ${sql(rows.slice(i, i + 1_000))}`;
    }
  },
  async spawn(replicas) {
    return Promise.all(
      Array.from({ length: replicas }, async () => {
        const port = freePort();
        const proc = Bun.spawn([process.execPath, join(repoRoot, "services/scheduler/src/main.ts")], {
          env: {
            ...process.env,
            DATABASE_URL: testDb.url,
            PORT: String(port),
            LOG_LEVEL: "error",
            GATEWAY_URL: targetUrl,
            AUTH_URL: targetUrl,
            ORGANIZATION_URL: targetUrl,
            SERVICE_TOKEN_SECRET: SECRET,
          },
          stdout: "ignore",
          stderr: "inherit",
        });
        await untilReady(`http://127.0.0.1:${port}`);
        return proc;
      }),
    );
  },
  async done() {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from scheduler.runs where status = 'succeeded' and tenant_id = any(${tenants})`;
    return row?.n ?? 0;
  },
  async measure() {
    const rows = await sql<{ late: number }[]>`
      select extract(epoch from started_at - due_at)::float8 as late from scheduler.runs
      where tenant_id = any(${tenants}) and status = 'succeeded'`;
    const [last] = await sql<{ at: Date }[]>`
      select max(finished_at) as at from scheduler.runs where tenant_id = any(${tenants})`;
    const failed = await sql<{ error: string; n: number }[]>`
      select left(error, 120) as error, count(*)::int as n from scheduler.runs
      where tenant_id = any(${tenants}) and status in ('failed', 'dead') group by 1 order by 2 desc limit 3`;
    for (const f of failed) {
      console.log(`    scheduler: ${f.n} failed attempts: ${f.error}`);
    }
    return { lateness: rows.map((r) => r.late), lastFinish: last?.at.getTime() ?? Number.NaN };
  },
};

let boss: PgBoss | undefined;
const pgBossSystem: System = {
  name: "pg-boss",
  async reset() {
    if (!boss) {
      boss = new PgBoss({ connectionString: testDb.url, schema: "pgboss" });
      boss.on("error", (error) => console.error("pg-boss:", error));
      await boss.start();
      await boss.createQueue(QUEUE);
    }
    await sql`delete from pgboss.job where name = ${QUEUE}`;
  },
  async enqueue(due) {
    const jobs = due.map((at, i) => ({ data: { n: i }, startAfter: at }));
    for (let i = 0; i < jobs.length; i += 1_000) {
      await boss?.insert(QUEUE, jobs.slice(i, i + 1_000));
    }
  },
  async spawn(replicas) {
    return Array.from({ length: replicas }, () =>
      Bun.spawn([process.execPath, join(repoRoot, "scripts/bench/pgboss-replica.ts")], {
        env: { ...process.env, DATABASE_URL: testDb.url, TARGET_URL: targetUrl, QUEUE },
        stdout: "ignore",
        stderr: "inherit",
      }),
    );
  },
  async done() {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pgboss.job where name = ${QUEUE} and state = 'completed'`;
    return row?.n ?? 0;
  },
  async measure() {
    const rows = await sql<{ late: number }[]>`
      select extract(epoch from started_on - start_after)::float8 as late from pgboss.job
      where name = ${QUEUE} and state = 'completed'`;
    const [last] = await sql<{ at: Date }[]>`
      select max(completed_on) as at from pgboss.job where name = ${QUEUE}`;
    return { lateness: rows.map((r) => r.late), lastFinish: last?.at.getTime() ?? Number.NaN };
  },
};

/** A replica's boot (Bun start, migrations, platform jobs) can take tens of seconds on the loaded machine. */
async function untilReady(url: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (ready?.ok) {
      return;
    }
    await Bun.sleep(50);
  }
  throw new Error(`${url} did not become ready`);
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
};

interface Result {
  jobsPerSecond: number;
  p99: number;
  ran: number;
}

/** One scenario: replicas start, the jobs fall due `lead` ms later, until every one has finished. */
async function scenario(system: System, replicas: number, rate?: number): Promise<Result> {
  await system.reset();
  const procs = await system.spawn(replicas);
  const at = Date.now() + 1_000;
  await system.enqueue(dueTimes(at, rate));
  const deadline = Date.now() + 300_000;
  let ran = 0;
  while (Date.now() < deadline) {
    ran = await system.done();
    if (ran >= JOBS) {
      break;
    }
    await Bun.sleep(100);
  }
  for (const proc of procs) {
    proc.kill("SIGTERM");
  }
  await Promise.all(procs.map((p) => p.exited));
  const { lateness, lastFinish } = await system.measure();
  return { jobsPerSecond: (ran / (lastFinish - at)) * 1000, p99: p99(lateness), ran };
}

/** The embedded default: one worker in this process on an in-memory PGlite, every job due at once. */
async function pgliteScenario(): Promise<Result> {
  const pglite = await openPglite();
  try {
    await migrateService({ pglite }, "scheduler", MIGRATIONS);
    const db = pgliteDatabase({ client: pglite, appRole: APP_ROLE });
    const at = Date.now() + 1_000;
    const rows = dueTimes(at).map((due, i) => jobRow(due, i));
    for (let i = 0; i < rows.length; i += 500) {
      await pglite.query(
        `insert into scheduler.jobs (id, tenant_id, name, schedule_kind, run_at, next_run_at, target, timeout_ms,
           max_attempts, backoff_ms, disable_after, catch_up, created_by)
         select id, tenant_id, name, schedule_kind::scheduler.schedule_kind, run_at, next_run_at, target, timeout_ms,
           max_attempts, backoff_ms, disable_after, catch_up::scheduler.catch_up, created_by
         from jsonb_to_recordset($1::jsonb) as v(id uuid, tenant_id uuid, name text, schedule_kind text,
           run_at timestamptz, next_run_at timestamptz, target jsonb, timeout_ms int, max_attempts int,
           backoff_ms int, disable_after int, catch_up text, created_by uuid)`,
        [JSON.stringify(rows.slice(i, i + 500))],
      );
    }
    const clock = () => new Date();
    const worker = createWorker({
      db,
      clock,
      log: createLogger({ level: "error", write: () => {} }),
      metrics: createSchedulerMetrics(new Registry(), db, clock),
      gatewayUrl: targetUrl,
      credentials: authCredentials({ authUrl: targetUrl, secret: SECRET, timeoutMs: 10_000 }),
      pollMs: SchedulerEnv.shape.SCHEDULER_POLL_MS.parse(undefined),
      concurrency: SchedulerEnv.shape.SCHEDULER_CONCURRENCY.parse(undefined),
      tenantConcurrency: SchedulerEnv.shape.SCHEDULER_TENANT_CONCURRENCY.parse(undefined),
    });
    worker.start();
    const count = async (query: string) => (await pglite.query<{ n: number }>(query)).rows[0]?.n ?? 0;
    const deadline = Date.now() + 300_000;
    let ran = 0;
    while (Date.now() < deadline && ran < JOBS) {
      await Bun.sleep(100);
      ran = await count("select count(*)::int as n from scheduler.runs where status = 'succeeded'");
    }
    await worker.stop();
    const late = await pglite.query<{ late: number }>(
      "select extract(epoch from started_at - due_at)::float8 as late from scheduler.runs where status = 'succeeded'",
    );
    const last = await pglite.query<{ at: Date }>("select max(finished_at) as at from scheduler.runs");
    const lastFinish = last.rows[0]?.at.getTime() ?? Number.NaN;
    return {
      jobsPerSecond: (ran / (lastFinish - at)) * 1000,
      p99: p99(late.rows.map((r) => r.late)),
      ran,
    };
  } finally {
    await pglite.close();
  }
}

const SCENARIOS = [
  { label: "burst, 1 replica", replicas: 1 },
  { label: "burst, 3 replicas", replicas: 3 },
  { label: `paced ${PACED_RATE}/s, 3 replicas`, replicas: 3, rate: PACED_RATE },
] as const;
const SYSTEMS = [schedulerSystem, pgBossSystem];
const results = new Map<string, Result[]>();

console.log(
  `bench:scheduler — ${fmt(JOBS)} jobs over ${TENANTS} tenants calling a no-op procedure over HTTP; ${ROUNDS} round(s); PostgreSQL ${pg.description}`,
);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of SCENARIOS) {
      for (const system of round % 2 === 1 ? SYSTEMS : [...SYSTEMS].reverse()) {
        const result = await scenario(system, s.replicas, "rate" in s ? s.rate : undefined);
        const key = `${s.label}|${system.name}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        console.log(
          `  round ${round} ${s.label.padEnd(26)} ${system.name.padEnd(9)} ${fmt(result.jobsPerSecond).padStart(6)} jobs/s  p99 lateness ${secs(result.p99)}  (${fmt(result.ran)} ran)`,
        );
      }
    }
    const embedded = await pgliteScenario();
    results.set("pglite", [...(results.get("pglite") ?? []), embedded]);
    console.log(
      `  round ${round} ${"burst, 1 worker, PGlite".padEnd(26)} ${"scheduler".padEnd(9)} ${fmt(embedded.jobsPerSecond).padStart(6)} jobs/s  p99 lateness ${secs(embedded.p99)}  (${fmt(embedded.ran)} ran)`,
    );
    console.log(
      `  round ${round} load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(" ")}`,
    );
  }
  console.log(
    "\nmedians                      scheduler                 pg-boss                  ratio (jobs/s)",
  );
  for (const s of SCENARIOS) {
    const of = (name: string) => {
      const list = results.get(`${s.label}|${name}`) ?? [];
      return {
        rate: median(list.map((r) => r.jobsPerSecond)),
        p99: median(list.map((r) => r.p99)),
      };
    };
    const a = of("scheduler");
    const b = of("pg-boss");
    console.log(
      `  ${s.label.padEnd(26)} ${`${fmt(a.rate)} jobs/s, p99 ${secs(a.p99)}`.padEnd(25)} ${`${fmt(b.rate)} jobs/s, p99 ${secs(b.p99)}`.padEnd(25)} ${(a.rate / b.rate).toFixed(2)}×`,
    );
  }
  const embedded = results.get("pglite") ?? [];
  console.log(
    `  ${"burst, 1 worker, PGlite".padEnd(26)} ${`${fmt(median(embedded.map((r) => r.jobsPerSecond)))} jobs/s, p99 ${secs(median(embedded.map((r) => r.p99)))}`.padEnd(25)} (pg-boss needs a PostgreSQL server)`,
  );
  console.log(
    `  load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")} at the end`,
  );
} finally {
  await boss?.stop({ graceful: false }).catch(() => undefined);
  await sql.end();
  server.stop(true);
  await testDb.drop();
  await pg.stop();
}
