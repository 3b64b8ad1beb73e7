/**
 * `npm run bench:platform`: req/s, p50, p99 and server CPU per request for (a) GET /health/live,
 * (b) a tRPC query reading one organization row by id in a tenant (RLS) transaction, (c) the same
 * read without the transaction, (d) the floor: the same row read by a bare `Bun.serve` and a
 * postgres.js prepared statement (platform-floor.ts). The servers run in processes of their own;
 * this process generates the load. Rounds are interleaved and medians reported (2 noisy cores);
 * b/d is the kit's share of the machine's limit (target ≥ 0.5).
 *   BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONCURRENCY  shorten or lengthen the run
 *   KIT_BUN_OPTIONS="--cpu-prof-md --cpu-prof-dir=.cache"  Bun flags for the kit's server (profiling)
 *   BENCH_ONLY=b  run only the scenarios whose letters are given (e.g. `b` to profile one path)
 */

import { createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { cpuMicros, type LoadResult, load, median } from "./load.ts";
import { seedOrganizationRead } from "./seed.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

const bench = await seedOrganizationRead("platform");
const { tenantId, companyId } = bench;

const signer = await createTestSigner();
const token = await signer.sign({ tenantId, permissions: ["*"], expiresIn: "1h" });
/** Starts a bench server process and waits for the URL it prints. */
async function spawnServer(entry: string, env: Record<string, string>, bunOptions?: string) {
  const proc = Bun.spawn([process.execPath, entry], {
    env: { ...process.env, ...env, ...(bunOptions ? { BUN_OPTIONS: bunOptions } : {}) },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`bench server ${entry} exited`);
    }
    url = /READY (\S+?)\/?\s/.exec(new TextDecoder().decode(value))?.[1] ?? "";
  }
  return { proc, url };
}

const kit = await spawnServer(
  `${import.meta.dir}/platform-server.ts`,
  { DATABASE_URL: bench.databaseUrl, PORT: "0", JWT_PUBLIC_KEY: signer.publicKey },
  process.env.KIT_BUN_OPTIONS,
);
const floor = await spawnServer(`${import.meta.dir}/platform-floor.ts`, {
  DATABASE_URL: bench.databaseUrl,
  PORT: "0",
});
const base = kit.url;

const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id: companyId })));
const headers = { authorization: `Bearer ${token}` };
const allScenarios: Record<string, { pid: number; make: () => Request }> = {
  "(a) GET /health/live": { pid: kit.proc.pid, make: () => new Request(`${base}/health/live`) },
  "(b) tRPC read in tenant tx": {
    pid: kit.proc.pid,
    make: () => new Request(`${base}/trpc/inTenant?input=${input}`, { headers }),
  },
  "(c) tRPC read, no tenant tx": {
    pid: kit.proc.pid,
    make: () => new Request(`${base}/trpc/direct?input=${input}`, { headers }),
  },
  "(d) floor: Bun.serve + postgres.js": {
    pid: floor.proc.pid,
    make: () => new Request(`${floor.url}/?id=${companyId}`),
  },
};
const only = process.env.BENCH_ONLY;
const scenarios = Object.fromEntries(
  Object.entries(allScenarios).filter(([name]) => !only || only.includes(name.charAt(1))),
);

for (const [name, { make }] of Object.entries(scenarios)) {
  const res = await fetch(make());
  const body = await res.text();
  if (!res.ok || (!name.startsWith("(a)") && !body.includes("Bench Company"))) {
    throw new Error(`warm-up of ${name} failed: ${res.status} ${body}`);
  }
  await load(make, { concurrency: CONCURRENCY, seconds: 1 });
}

const results: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
/** µs of server CPU per request (from /proc), per scenario and round. */
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
const names = Object.keys(scenarios);
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const scenario = scenarios[name];
    if (scenario) {
      const before = cpuMicros(scenario.pid);
      const result = await load(scenario.make, { concurrency: CONCURRENCY, seconds: SECONDS });
      results[name]?.push(result);
      cpu[name]?.push((cpuMicros(scenario.pid) - before) / result.requests);
    }
  }
}

const summary = Object.entries(results).map(([name, runs]) => ({
  scenario: name,
  "req/s": Math.round(median(runs.map((r) => r.perSecond))),
  "p50 ms": median(runs.map((r) => r.p50)).toFixed(2),
  "p99 ms": median(runs.map((r) => r.p99)).toFixed(2),
  "server CPU µs/req": Math.round(median(cpu[name] ?? [])),
  errors: runs.reduce((n, r) => n + r.errors, 0),
}));
console.log(
  `\nbench:platform — ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent keep-alive clients, medians`,
);
console.table(summary);
/** Median over rounds of the ratio of two scenarios' throughput in the same round. */
const ratioOf = (x: string, y: string) =>
  median((results[x] ?? []).map((run, i) => run.perSecond / (results[y]?.[i]?.perSecond ?? Number.NaN)));
const bc = ratioOf("(b) tRPC read in tenant tx", "(c) tRPC read, no tenant tx");
const bd = ratioOf("(b) tRPC read in tenant tx", "(d) floor: Bun.serve + postgres.js");
console.log(`ratio b/c = ${bc.toFixed(2)} (target ≥ 0.60) ${bc >= 0.6 ? "✓" : "✗"}`);
console.log(`ratio b/d = ${bd.toFixed(2)} (target ≥ 0.50) ${bd >= 0.5 ? "✓" : "✗"}`);

for (const server of [kit.proc, floor.proc]) {
  server.kill("SIGTERM");
  await server.exited;
}
await bench.drop();
