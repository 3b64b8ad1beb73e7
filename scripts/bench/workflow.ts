/**
 * `npm run bench:workflow`: start + approve round trips per second, with p50/p99, for a 40,000 BDT
 * requisition (rules: tax.vat + purchase.approval → one approver). Each round trip is two calls:
 * `workflow.processes.start` by the engineer (workflow asks organization for the chain and the rules
 * engine for both rule sets, then writes the process, task, trail and outbox rows in one
 * transaction) and `workflow.tasks.approve` by the project manager.
 *
 * Organization, rules-engine, workflow and the gateway run together in a second process (as in an
 * embedded start, but on PostgreSQL); this process generates the load through the gateway, then
 * directly against workflow. Each round also runs pgbench's simple-update (pgbench.ts) with as many
 * clients against the same PostgreSQL: the write ceiling, printed beside. Rounds are interleaved
 * and medians reported (2 noisy cores); server CPU per round trip from /proc, and the whole
 * machine's (/proc/stat), the budget the 1,000/s target is held to.
 *   BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONCURRENCY  shorten or lengthen the run
 */
import { availableParallelism } from "node:os";
import { createTestSigner } from "@vextrus/platform/testing";
import postgres from "postgres";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { dbActivity } from "./db-activity.ts";
import { cpuMicros, machineBusyMs, median } from "./load.ts";
import { preparePgbench } from "./pgbench.ts";
import { call, readyUrls, type Seeded, seed, serveWorkflowStack } from "./workflow-seed.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

if (process.argv[2] === "serve") {
  await serveWorkflowStack();
} else {
  await drive();
}

async function drive() {
  const pg = await ensurePostgres();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const dbName = `vx_bench_workflow_${Date.now()}`;
  await admin.unsafe(`create database ${dbName}`);
  await admin.unsafe(`create database ${dbName}_pgbench`);
  const url = new URL(pg.url);
  url.pathname = `/${dbName}`;
  const pgbenchUrl = new URL(pg.url);
  pgbenchUrl.pathname = `/${dbName}_pgbench`;
  const pgbench = await preparePgbench(pgbenchUrl.toString());
  const signer = await createTestSigner();
  // BENCH_PROFILE=1 writes a markdown CPU profile of the server process into .cache/ on exit.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof-md", "--cpu-prof-dir=.cache"] : [];
  const server = Bun.spawn([process.execPath, ...profile, import.meta.path, "serve"], {
    env: { ...process.env, DATABASE_URL: url.toString(), JWT_PUBLIC_KEY: signer.publicKey },
    stdout: "pipe",
    stderr: "inherit",
  });
  try {
    const urls = await readyUrls(server.stdout);
    const seeded = await seed(urls, signer, url.toString());
    const paths = {
      "through the gateway": { base: urls.gateway, prefix: "workflow." },
      "direct to workflow": { base: urls.workflow, prefix: "" },
    };
    for (const target of Object.values(paths)) {
      await roundTrips(target, seeded, CONCURRENCY, 1);
    }
    const results: Record<string, RoundTrips[]> = { "through the gateway": [], "direct to workflow": [] };
    const cpu: Record<string, number[]> = { "through the gateway": [], "direct to workflow": [] };
    const machine: Record<string, number[]> = { "through the gateway": [], "direct to workflow": [] };
    const tps: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = Object.entries(paths);
      for (const [name, target] of round % 2 === 0 ? order : order.reverse()) {
        const before = cpuMicros(server.pid);
        const machineBefore = machineBusyMs();
        const result = await roundTrips(target, seeded, CONCURRENCY, SECONDS);
        results[name]?.push(result);
        cpu[name]?.push((cpuMicros(server.pid) - before) / Math.max(1, result.count));
        machine[name]?.push((machineBusyMs() - machineBefore) / Math.max(1, result.count));
      }
      tps.push(await pgbench.simpleUpdate(CONCURRENCY, SECONDS));
    }
    console.log(
      `\nbench:workflow — start + approve round trips, ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent clients, medians`,
    );
    console.table(
      Object.entries(results).map(([name, runs]) => ({
        path: name,
        "round trips/s": Math.round(median(runs.map((r) => r.perSecond))),
        "p50 ms": median(runs.map((r) => r.p50)).toFixed(1),
        "p99 ms": median(runs.map((r) => r.p99)).toFixed(1),
        "start p50 ms": median(runs.map((r) => r.startP50)).toFixed(1),
        "approve p50 ms": median(runs.map((r) => r.approveP50)).toFixed(1),
        "server CPU µs/trip": Math.round(median(cpu[name] ?? [])),
        "machine CPU ms/trip": median(machine[name] ?? []).toFixed(2),
        errors: runs.reduce((n, r) => n + r.errors, 0),
      })),
    );
    const gateway = median((results["through the gateway"] ?? []).map((r) => r.perSecond));
    console.log(
      `pgbench simple-update (-N, prepared, ${CONCURRENCY} clients), same PostgreSQL: ${Math.round(median(tps))} tps ` +
        `(rounds ${tps.map((t) => Math.round(t)).join(" ")}); start + approve through the gateway: ` +
        `${Math.round(gateway)}/s (target ≥ 1,000/s) ${gateway >= 1000 ? "✓" : "✗"}`,
    );
    const perTrip = median(machine["through the gateway"] ?? []);
    const cores = availableParallelism();
    console.log(
      `CPU budget: a round trip through the gateway cost the whole machine ${perTrip.toFixed(2)} ms of CPU ` +
        `(servers, PostgreSQL, this client; meaningful on a quiet machine): ${cores} cores can carry at most ` +
        `${Math.round((cores * 1000) / perTrip)}/s at that cost; 1,000/s leaves ${cores} ms per round trip`,
    );
    // What one round trip costs the database, measured alone (one client, direct to workflow), once
    // the load's last calls and the relays have settled.
    await Bun.sleep(5000);
    const activity = dbActivity(url.toString());
    const before = await activity.snapshot();
    const alone = await roundTrips(paths["direct to workflow"], seeded, 1, Math.min(SECONDS, 3));
    await Bun.sleep(2000);
    const after = await activity.snapshot();
    await activity.close();
    console.log(
      `one start + approve, alone (${alone.count} of them, relays drained): ` +
        `\n  ${activity.describe(before, after, alone.count)}`,
    );
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.unsafe(`drop database if exists ${dbName}_pgbench with (force)`);
    await admin.end();
    await pg.stop();
  }
}

interface RoundTrips {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  startP50: number;
  approveP50: number;
  errors: number;
}

async function roundTrips(
  target: { base: string; prefix: string },
  seeded: Seeded,
  concurrency: number,
  seconds: number,
): Promise<RoundTrips> {
  const total: number[] = [];
  const starts: number[] = [];
  const approves: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const began = performance.now();
      try {
        const started = await call<{ tasks: { id: string; version: number }[] }>(
          target.base,
          `${target.prefix}processes.start`,
          seeded.engineer,
          {
            definitionKey: "purchase.requisition",
            subject: "Bench requisition",
            amount: "40000.00",
            departmentId: seeded.departmentId,
            data: { category: "construction" },
          },
          "mutation",
        );
        const mid = performance.now();
        const task = started.tasks[0];
        if (!task) {
          throw new Error("start opened no task");
        }
        await call(
          target.base,
          `${target.prefix}tasks.approve`,
          seeded.pm,
          { taskId: task.id, expectedVersion: task.version },
          "mutation",
        );
        const end = performance.now();
        starts.push(mid - began);
        approves.push(end - mid);
        total.push(end - began);
      } catch (error) {
        errors++;
        if (errors === 1) {
          console.error(error instanceof Error ? error.message : error);
        }
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - began) / 1000;
  const pct = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  };
  return {
    count: total.length,
    perSecond: total.length / elapsed,
    p50: pct(total, 0.5),
    p99: pct(total, 0.99),
    startP50: pct(starts, 0.5),
    approveP50: pct(approves, 0.5),
    errors,
  };
}
