import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { type SchedulerHarness, startScheduler } from "./harness.ts";

let h: SchedulerHarness;
let sql: postgres.Sql;

beforeAll(async () => {
  h = await startScheduler("scheduler_worker");
  sql = postgres(h.databaseUrl, { max: 2, onnotice: () => {} });
}, 60_000);
afterAll(async () => {
  await sql.end();
  await h.stop();
});

const runsOf = (tenantId: string) =>
  sql<
    {
      job_id: string;
      attempt: number;
      status: string;
      scheduled_for: Date;
      due_at: Date;
      error: string | null;
    }[]
  >`
    select job_id, attempt, status, scheduled_for, due_at, error from scheduler.runs
    where tenant_id = ${tenantId} order by scheduled_for, attempt`;

const firedOf = (tenantId: string) =>
  sql<{ id: string; type: string; data: Record<string, unknown> }[]>`
    select event->>'subject' as id, event->>'type' as type, event->'data' as data from scheduler.outbox
    where tenant_id = ${tenantId} and event->>'type' <> 'vextrus.scheduler.job.created' order by id`;

async function until(check: () => Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) {
      return;
    }
    await Bun.sleep(50);
  }
  throw new Error("condition not met in time");
}

/** One pass of one replica, then waits for what it started to be recorded. */
async function pass(worker: ReturnType<SchedulerHarness["worker"]>) {
  const started = await worker.tick();
  await worker.drain();
  return started;
}

describe("several replicas on one PostgreSQL", () => {
  test("3 replicas, 500 due jobs over 10 tenants (procedures and events): each runs exactly once", async () => {
    const tenants = await Promise.all(Array.from({ length: 10 }, () => h.tenant()));
    const runAt = new Date(h.clock.read().getTime() + 1_000).toISOString();
    const made: string[] = [];
    for (const [i, t] of tenants.entries()) {
      const jobs = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          t.api.jobs.create.mutate({
            name: `job ${i}-${j}`,
            schedule: { kind: "once", runAt },
            target:
              j % 2 === 0
                ? { kind: "procedure", path: "probe.ping", input: { n: i * 50 + j } }
                : { kind: "event", data: { n: i * 50 + j } },
          }),
        ),
      );
      made.push(...jobs.map((j) => j.id));
    }
    expect(new Set(made).size).toBe(500);
    h.clock.advance(2_000);
    const replicas = [h.worker(), h.worker(), h.worker()];
    const startedAt = performance.now();
    for (const r of replicas) {
      r.start();
    }
    const ids = tenants.map((t) => t.tenantId);
    await until(async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from scheduler.runs where tenant_id = any(${ids}) and status = 'succeeded'`;
      return (row?.n ?? 0) >= 500;
    });
    const elapsed = performance.now() - startedAt;
    await Promise.all(replicas.map((r) => r.stop()));
    console.log(`500 jobs, 3 replicas: ${Math.round(elapsed)} ms`);

    const runs = await sql<{ job_id: string; attempt: number; status: string }[]>`
      select job_id, attempt, status from scheduler.runs where tenant_id = any(${ids})`;
    expect(runs.length).toBe(500);
    expect(new Set(runs.map((r) => r.job_id)).size).toBe(500);
    expect(runs.every((r) => r.status === "succeeded" && r.attempt === 1)).toBe(true);

    const pings = h.target.calls.filter((c) => c.path === "probe.ping" && ids.includes(c.tenantId));
    const ns = pings.map((c) => (c.input as { n: number }).n);
    expect(ns.length).toBe(250);
    expect(new Set(ns).size).toBe(250);
    for (const call of pings) {
      const n = (call.input as { n: number }).n;
      expect(call.tenantId).toBe(ids[Math.floor(n / 50)] as string);
    }
    const fired = await sql<{ n: number; jobs: number }[]>`
      select count(*)::int as n, count(distinct event->>'subject')::int as jobs from scheduler.outbox
      where tenant_id = any(${ids}) and event->>'type' = 'vextrus.scheduler.job.fired'`;
    expect(fired[0]).toEqual({ n: 250, jobs: 250 });
  }, 120_000);

  test("a cron job under 3 replicas: every minute's occurrence runs once, none skipped", async () => {
    const t = await h.tenant();
    const job = await t.api.jobs.create.mutate({
      name: "every minute",
      schedule: { kind: "cron", cron: "* * * * *" },
      target: { kind: "event", data: {} },
    });
    const replicas = [h.worker(), h.worker(), h.worker()];
    for (let minute = 0; minute < 5; minute++) {
      h.clock.advance(60_000);
      await Promise.all(replicas.map((r) => pass(r)));
    }
    const runs = await runsOf(t.tenantId);
    expect(runs.length).toBe(5);
    expect(new Set(runs.map((r) => r.scheduled_for.toISOString())).size).toBe(5);
    expect(runs.every((r) => r.job_id === job.id && r.status === "succeeded")).toBe(true);
    // Each occurrence is on a whole minute, one minute apart.
    const times = runs.map((r) => r.scheduled_for.getTime());
    expect(
      times.every((ms, i) => ms % 60_000 === 0 && (i === 0 || ms - (times[i - 1] as number) === 60_000)),
    ).toBe(true);
    await t.api.jobs.pause.mutate({ id: job.id, expectedVersion: job.version });
  }, 60_000);
});

describe("cron in Asia/Dhaka", () => {
  test("09:00 every day is 03:00 UTC", async () => {
    const t = await h.tenant();
    h.clock.set("2026-06-20T01:00:00.000Z"); // 07:00 in Dhaka
    const job = await t.api.jobs.create.mutate({
      name: "morning digest",
      schedule: { kind: "cron", cron: "0 9 * * *" },
      target: { kind: "event", data: {} },
    });
    expect(job.nextRunAt).toBe("2026-06-20T03:00:00.000Z");
    await t.api.jobs.pause.mutate({ id: job.id, expectedVersion: job.version });
  });
});

describe("failures", () => {
  test("retries with exponential backoff, then dead (an event), then disabled (an event); jobs.retry sends it back", async () => {
    const t = await h.tenant();
    h.target.state.failing = true;
    const start = h.clock.read();
    let job = await t.api.jobs.create.mutate({
      name: "flaky",
      schedule: { kind: "once", runAt: new Date(start.getTime() + 1_000).toISOString() },
      target: { kind: "procedure", path: "probe.fail" },
      maxAttempts: 3,
      backoffSeconds: 10,
      disableAfter: 1,
    });
    const worker = h.worker();
    h.clock.advance(1_000);
    expect(await pass(worker)).toBe(1);
    let runs = await runsOf(t.tenantId);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "failed"],
      [2, "pending"],
    ]);
    expect(runs[0]?.error).toContain("probe is failing");
    // 10 s doubled per attempt, with equal jitter (random 0.5): 7.5 s, then 15 s.
    const firstFailedAt = h.clock.read().getTime();
    expect((runs[1]?.due_at.getTime() ?? 0) - firstFailedAt).toBe(7_500);
    h.clock.advance(7_000);
    expect(await pass(worker)).toBe(0);
    h.clock.advance(500);
    expect(await pass(worker)).toBe(1);
    runs = await runsOf(t.tenantId);
    expect((runs[2]?.due_at.getTime() ?? 0) - h.clock.read().getTime()).toBe(15_000);
    h.clock.advance(15_000);
    expect(await pass(worker)).toBe(1);
    runs = await runsOf(t.tenantId);
    expect(runs.map((r) => r.status)).toEqual(["failed", "failed", "dead"]);

    job = await t.api.jobs.get.query({ id: job.id });
    expect(job.status).toBe("disabled");
    expect(job.consecutiveFailures).toBe(1);
    const events = (await firedOf(t.tenantId)).map((e) => e.type);
    expect(events).toContain("vextrus.scheduler.job.run_dead");
    expect(events).toContain("vextrus.scheduler.job.disabled");
    const dead = await t.api.runs.list.query({ jobId: job.id, status: "dead" });
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]?.attempt).toBe(3);

    h.target.state.failing = false;
    const retried = await t.api.jobs.retry.mutate({ id: job.id, expectedVersion: job.version });
    expect(retried.requeued).toBe(1);
    expect(retried.job.status).toBe("active");
    expect(retried.job.consecutiveFailures).toBe(0);
    expect(await pass(worker)).toBe(1);
    runs = await runsOf(t.tenantId);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
      [4, "succeeded"],
    ]);
    const history = await t.api.runs.list.query({ jobId: job.id });
    expect(history.items.map((r) => r.attempt)).toEqual([4, 3, 2, 1]);
    expect(history.items[0]?.durationMs).toBeGreaterThanOrEqual(0);
  }, 60_000);

  test("a run past its timeout fails with the timeout; the target is not waited for", async () => {
    const t = await h.tenant();
    h.target.state.slowMs = 3_000;
    await t.api.jobs.create.mutate({
      name: "slow",
      schedule: { kind: "once", runAt: new Date(h.clock.read().getTime() + 1_000).toISOString() },
      target: { kind: "procedure", path: "probe.slow" },
      timeoutSeconds: 1,
      maxAttempts: 1,
    });
    h.clock.advance(1_000);
    const began = performance.now();
    expect(await pass(h.worker())).toBe(1);
    expect(performance.now() - began).toBeLessThan(2_500);
    const [run] = await runsOf(t.tenantId);
    expect(run?.status).toBe("dead");
    expect(run?.error).toContain("UNAVAILABLE");
    h.target.state.slowMs = 0;
  }, 30_000);
});

describe("targets", () => {
  test("a procedure is called for the job's tenant with exactly the job's permissions", async () => {
    const t = await h.tenant();
    const at = new Date(h.clock.read().getTime() + 1_000).toISOString();
    await t.api.jobs.create.mutate({
      name: "escalate",
      schedule: { kind: "once", runAt: at },
      target: { kind: "procedure", path: "probe.escalate" },
      permissions: ["workflow:task:escalate"],
    });
    await t.api.jobs.create.mutate({
      name: "escalate without the permission",
      schedule: { kind: "once", runAt: at },
      target: { kind: "procedure", path: "probe.escalate" },
      maxAttempts: 1,
    });
    h.clock.advance(1_000);
    expect(await pass(h.worker())).toBe(2);
    const calls = h.target.calls.filter((c) => c.tenantId === t.tenantId);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.permissions).toEqual(["workflow:task:escalate"]);
    const runs = await runsOf(t.tenantId);
    expect(runs.map((r) => r.status).sort()).toEqual(["dead", "succeeded"]);
    expect(runs.find((r) => r.status === "dead")?.error).toContain("FORBIDDEN");
  }, 30_000);
});

describe("catch-up after downtime", () => {
  test("none, last and all after five missed minutes; then every minute again", async () => {
    const t = await h.tenant();
    const policies = ["none", "last", "all"] as const;
    const jobs = await Promise.all(
      policies.map((catchUp) =>
        t.api.jobs.create.mutate({
          name: `catch-up ${catchUp}`,
          schedule: { kind: "interval", everySeconds: 60 },
          target: { kind: "event", data: {} },
          catchUp,
        }),
      ),
    );
    const worker = h.worker({ graceMs: 10_000 });
    h.clock.advance(5 * 60_000 + 30_000); // the scheduler was down across five occurrences
    await pass(worker);
    const count = async () => {
      const runs = await runsOf(t.tenantId);
      return policies.map((_, i) => runs.filter((r) => r.job_id === jobs[i]?.id).length);
    };
    expect(await count()).toEqual([0, 1, 5]);
    h.clock.advance(30_000); // the next occurrence, on time
    await pass(worker);
    expect(await count()).toEqual([1, 2, 6]);
    for (const job of jobs) {
      await t.api.jobs.pause.mutate({ id: job.id, expectedVersion: job.version });
    }
  }, 30_000);
});

describe("catch-up of a cron job", () => {
  test("stopped across five cron ticks: none runs none, last the latest, all every one", async () => {
    const t = await h.tenant();
    h.clock.set("2026-07-01T00:00:30.000Z"); // later than anything before: no earlier job is due
    const policies = ["none", "last", "all"] as const;
    const jobs = await Promise.all(
      policies.map((catchUp) =>
        t.api.jobs.create.mutate({
          name: `cron catch-up ${catchUp}`,
          schedule: { kind: "cron", cron: "* * * * *" },
          target: { kind: "event", data: {} },
          catchUp,
        }),
      ),
    );
    const worker = h.worker({ graceMs: 10_000 });
    h.clock.advance(5 * 60_000); // 00:05:30: the ticks of 00:01 … 00:05 were missed
    await pass(worker);
    const scheduled = async () => {
      const runs = await runsOf(t.tenantId);
      return policies.map((_, i) =>
        runs.filter((r) => r.job_id === jobs[i]?.id).map((r) => r.scheduled_for.toISOString().slice(11, 16)),
      );
    };
    expect(await scheduled()).toEqual([[], ["00:05"], ["00:01", "00:02", "00:03", "00:04", "00:05"]]);
    h.clock.advance(30_000); // 00:06:00, on time
    await pass(worker);
    expect((await scheduled()).map((s) => s.at(-1))).toEqual(["00:06", "00:06", "00:06"]);
    for (const job of jobs) {
      await t.api.jobs.pause.mutate({ id: job.id, expectedVersion: job.version });
    }
  }, 30_000);
});

describe("fairness", () => {
  test("one tenant's 300 due jobs do not starve another tenant's one", async () => {
    const busy = await h.tenant();
    const quiet = await h.tenant();
    const at = new Date(h.clock.read().getTime() + 1_000).toISOString();
    for (let i = 0; i < 300; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          busy.api.jobs.create.mutate({
            name: `bulk ${i + j}`,
            schedule: { kind: "once", runAt: at },
            target: { kind: "event", data: {} },
          }),
        ),
      );
    }
    await quiet.api.jobs.create.mutate({
      name: "the one",
      schedule: { kind: "once", runAt: at },
      target: { kind: "event", data: {} },
    });
    h.clock.advance(1_000);
    const worker = h.worker({ tenantConcurrency: 5, concurrency: 10 });
    expect(await pass(worker)).toBeLessThanOrEqual(10);
    expect((await runsOf(quiet.tenantId)).map((r) => r.status)).toEqual(["succeeded"]);
    const done = (await runsOf(busy.tenantId)).filter((r) => r.status === "succeeded");
    expect(done.length).toBeLessThanOrEqual(5);
    // The queue it leaves shows in the metrics: how many runs are due, and how far behind they are.
    h.clock.advance(5_000);
    const metrics = await (await h.app.fetch(new Request("http://scheduler.test/metrics"))).text();
    const value = (name: string) =>
      Number(metrics.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m"))?.[1]);
    expect(value("vextrus_scheduler_runs_due")).toBeGreaterThanOrEqual(295);
    expect(value("vextrus_scheduler_lag_seconds")).toBeGreaterThanOrEqual(5);
    // Cleanup: the rest would be claimed by the next test's replicas.
    await sql`update scheduler.jobs set status = 'paused' where tenant_id = ${busy.tenantId}`;
    await sql`update scheduler.runs set status = 'succeeded' where tenant_id = ${busy.tenantId} and status = 'pending'`;
  }, 60_000);
});

describe("the tenant quota across replicas", () => {
  test("3 replicas never run more than a tenant's quota at once, and still run every job once", async () => {
    const crowded = await h.tenant();
    const other = await h.tenant();
    const at = new Date(h.clock.read().getTime() + 1_000).toISOString();
    const make = (t: typeof crowded, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          t.api.jobs.create.mutate({
            name: `slow ${i}`,
            schedule: { kind: "once", runAt: at },
            target: { kind: "procedure", path: "probe.slow" },
          }),
        ),
      );
    await make(crowded, 24);
    await make(other, 6);
    h.target.state.slowMs = 150;
    h.clock.advance(1_000);
    const replicas = [1, 2, 3].map(() => h.worker({ tenantConcurrency: 2, concurrency: 10, pollMs: 10 }));
    for (const r of replicas) {
      r.start();
    }
    const ids = [crowded.tenantId, other.tenantId];
    await until(async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from scheduler.runs where tenant_id = any(${ids}) and status = 'succeeded'`;
      return (row?.n ?? 0) >= 30;
    });
    await Promise.all(replicas.map((r) => r.stop()));
    h.target.state.slowMs = 0;
    expect(h.target.state.mostAtOnce.get(crowded.tenantId)).toBe(2);
    expect(h.target.state.mostAtOnce.get(other.tenantId)).toBe(2);
    const runs = await sql<{ n: number; jobs: number }[]>`
      select count(*)::int as n, count(distinct job_id)::int as jobs from scheduler.runs where tenant_id = any(${ids})`;
    expect(runs[0]).toEqual({ n: 30, jobs: 30 });
  }, 60_000);
});

describe("a replica that dies mid-run", () => {
  test("its run is taken back after the lease (timeout + 30 s) and runs on another replica; the dead claim cannot record", async () => {
    const t = await h.tenant();
    await t.api.jobs.create.mutate({
      name: "survives a crash",
      schedule: { kind: "once", runAt: new Date(h.clock.read().getTime() + 1_000).toISOString() },
      target: { kind: "procedure", path: "probe.ping", input: { n: -1 } },
      timeoutSeconds: 5,
    });
    h.clock.advance(1_000);
    let fail: (error: Error) => void = () => {};
    const hung = h.worker({ credentials: () => new Promise<string>((_, reject) => (fail = reject)) });
    await hung.tick();
    expect((await runsOf(t.tenantId)).map((r) => r.status)).toEqual(["running"]);
    const healthy = h.worker();
    h.clock.advance(34_000);
    await pass(healthy);
    expect((await runsOf(t.tenantId)).map((r) => r.status)).toEqual(["running"]);
    h.clock.advance(2_000);
    await pass(healthy);
    expect((await runsOf(t.tenantId)).map((r) => r.status)).toEqual(["succeeded"]);
    // The first claim wakes up and fails, but the run is no longer its to record.
    fail(new Error("the replica came back"));
    await hung.drain();
    expect((await runsOf(t.tenantId)).map((r) => [r.attempt, r.status])).toEqual([[1, "succeeded"]]);
  }, 30_000);
});
