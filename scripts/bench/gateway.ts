/**
 * `npm run bench:gateway`: the same authenticated tenant read (organization.companies.get) sent
 * straight to the organization service and through the gateway, in the same run. The service and
 * the gateway each run in their own process, as deployed; this process generates the load. The peer
 * is nginx (nginx.ts) proxying the same calls to the same service with keep-alive upstreams. Short
 * rounds rotate the three paths, so all see the same background noise (2 shared cores); the
 * ratios are the medians of each round's pairs.
 * Targets: gateway throughput ≥ 0.8 × direct and ≥ nginx's, gateway p99 ≤ 1.25 × direct and ≤ nginx's.
 *   GATEWAY_BUN_OPTIONS="--cpu-prof --cpu-prof-dir=…"  Bun flags for the gateway process (profiling)
 */

import { createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { cpuMicros, type LoadResult, load, median } from "./load.ts";
import { startNginx } from "./nginx.ts";
import { seedOrganizationRead } from "./seed.ts";
import { startServer } from "./servers.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const root = `${import.meta.dir}/../..`;

const bench = await seedOrganizationRead("gateway");
const { tenantId, companyId } = bench;

const signer = await createTestSigner();
const token = await signer.sign({ tenantId, permissions: ["organization:*"], expiresIn: "1h" });
const organization = await startServer("organization", `${root}/services/organization/src/main.ts`, {
  DATABASE_URL: bench.databaseUrl,
  JWT_PUBLIC_KEY: signer.publicKey,
});
const gateway = await startServer("gateway", `${root}/services/gateway/src/main.ts`, {
  SERVICE_URLS: `organization=${organization.url}`,
  // The gateway verifies tokens itself (cached per token) to charge the tenant limit, as deployed.
  JWT_PUBLIC_KEY: signer.publicKey,
  // Limits far above the load, so the limiter runs but never refuses.
  RATE_LIMIT_TENANT_PER_SECOND: "1000000",
  RATE_LIMIT_TENANT_BURST: "1000000",
  RATE_LIMIT_IP_PER_SECOND: "1000000",
  RATE_LIMIT_IP_BURST: "1000000",
});

const nginx = await startNginx({ organization: organization.url });

const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id: companyId })));
const headers = { authorization: `Bearer ${token}` };
const scenarios: Record<string, () => Request> = {
  direct: () => new Request(`${organization.url}/trpc/companies.get?input=${input}`, { headers }),
  gateway: () => new Request(`${gateway.url}/trpc/organization.companies.get?input=${input}`, { headers }),
  nginx: () => new Request(`${nginx.url}/trpc/organization.companies.get?input=${input}`, { headers }),
};

for (const [name, make] of Object.entries(scenarios)) {
  const res = await fetch(make());
  const body = await res.text();
  if (!res.ok || !body.includes("Bench Company")) {
    throw new Error(`warm-up of ${name} failed: ${res.status} ${body}`);
  }
  await load(make, { concurrency: CONCURRENCY, seconds: 1 });
}

const names = Object.keys(scenarios);
const results: Record<string, LoadResult[]> = Object.fromEntries(names.map((name) => [name, []]));
/** µs of CPU per request of each process on each path (from /proc). */
const processes = { gateway: gateway.proc.pid, nginx: nginx.proc.pid, organization: organization.proc.pid };
type Part = keyof typeof processes;
const cpu: Record<string, Record<Part, number[]>> = Object.fromEntries(
  names.map((name) => [name, { gateway: [], nginx: [], organization: [] }]),
);
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length] as string);
  for (const name of order) {
    const make = scenarios[name];
    if (make) {
      const parts = Object.keys(processes) as Part[];
      const before = Object.fromEntries(parts.map((part) => [part, cpuMicros(processes[part])]));
      const result = await load(make, { concurrency: CONCURRENCY, seconds: SECONDS });
      results[name]?.push(result);
      for (const part of parts) {
        cpu[name]?.[part].push((cpuMicros(processes[part]) - (before[part] ?? 0)) / result.requests);
      }
    }
  }
}

const summary = Object.entries(results).map(([name, runs]) => ({
  path: name,
  "req/s": Math.round(median(runs.map((r) => r.perSecond))),
  "p50 ms": median(runs.map((r) => r.p50)).toFixed(2),
  "p99 ms": median(runs.map((r) => r.p99)).toFixed(2),
  errors: runs.reduce((n, r) => n + r.errors, 0),
}));
console.log(
  `\nbench:gateway — organization.companies.get (tenant RLS read), ${ROUNDS} rounds × ${SECONDS} s, ` +
    `${CONCURRENCY} concurrent keep-alive clients, medians`,
);
console.table(summary);
const pairs = (x: string, y: string, key: "perSecond" | "p99") =>
  median((results[x] ?? []).map((run, i) => run[key] / (results[y]?.[i]?.[key] ?? Number.NaN)));
const check = (label: string, value: number, target: string, ok: boolean) =>
  console.log(`${label.padEnd(28)}= ${value.toFixed(2)} (target ${target}) ${ok ? "✓" : "✗"}`);
const gd = pairs("gateway", "direct", "perSecond");
const gdP99 = pairs("gateway", "direct", "p99");
const gn = pairs("gateway", "nginx", "perSecond");
const gnP99 = pairs("gateway", "nginx", "p99");
check("throughput gateway/direct", gd, "≥ 0.80", gd >= 0.8);
check("p99 gateway/direct", gdP99, "≤ 1.25", gdP99 <= 1.25);
check("throughput gateway/nginx", gn, "≥ 1.00", gn >= 1);
check("p99 gateway/nginx", gnP99, "≤ 1.00", gnP99 <= 1);
console.log(
  `(${nginx.version}: throughput nginx/direct = ${pairs("nginx", "direct", "perSecond").toFixed(2)}, ` +
    `p99 nginx/direct = ${pairs("nginx", "direct", "p99").toFixed(2)})`,
);
const micros = (values: number[] | undefined) => median(values ?? []).toFixed(0);
console.log(
  `CPU per request (/proc, medians): gateway ${micros(cpu.gateway?.gateway)} µs, nginx ` +
    `${micros(cpu.nginx?.nginx)} µs; organization ${micros(cpu.direct?.organization)} µs direct, ` +
    `${micros(cpu.gateway?.organization)} µs via the gateway, ${micros(cpu.nginx?.organization)} µs via nginx`,
);

await nginx.stop();
gateway.proc.kill("SIGTERM");
organization.proc.kill("SIGTERM");
await Promise.all([gateway.proc.exited, organization.proc.exited]);
await bench.drop();

const logins = `${import.meta.dir}/logins.ts`;
if (await Bun.file(logins).exists()) {
  console.log("\nbench:logins (scripts/bench/logins.ts)");
  const run = Bun.spawn([process.execPath, logins], { stdout: "inherit", stderr: "inherit" });
  await run.exited;
}
