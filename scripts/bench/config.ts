/**
 * `bun run bench:config`: configuration resolutions per second, p99, two ways.
 *  (1) Cached, in process, through the reader other services use (@vextrus/config/reader): a warm
 *      key answered from the replica's cache. Target ≥ 1,000,000/s.
 *  (2) Uncached, through the gateway: `config.resolve` (a company-scoped key, walking the chain
 *      platform → tenant → company in one RLS read) side by side with the plain tenant read of
 *      bench:platform (b) / bench:gateway (`organization.companies.get` by id), rounds alternating,
 *      medians of each round's pair. Target: within 1.25× (throughput and p99).
 * Organization, configuration and the gateway each run in their own process; this one makes the load.
 */
import { createConfigReader } from "@vextrus/config/reader";
import { MIGRATIONS } from "@vextrus/configuration/boot";
import { createLogger } from "@vextrus/platform";
import { migrateService } from "@vextrus/platform/db";
import { createTestSigner } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { type LoadResult, load, median } from "./load.ts";
import { seedOrganizationRead } from "./seed.ts";
import { startServer } from "./servers.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const root = `${import.meta.dir}/../..`;

const bench = await seedOrganizationRead("config");
const { tenantId, companyId } = bench;
await migrateService({ url: bench.databaseUrl }, "configuration", MIGRATIONS);
const seed = postgres(bench.databaseUrl, { max: 1, onnotice: () => {} });
const version = (level: string, scopeId: string, hours: number) => ({
  id: Bun.randomUUIDv7(),
  tenant_id: tenantId,
  key: "workflow.sla.hours",
  scope_level: level,
  scope_id: scopeId,
  version: 1,
  value: { v: hours },
  effective_from: new Date("2025-07-01T00:00:00Z"),
  created_by: tenantId,
});
await seed`insert into configuration.values ${seed([version("tenant", tenantId, 48), version("company", companyId, 24)])}`;
await seed.end();

const signer = await createTestSigner();
const token = await signer.sign({
  tenantId,
  permissions: ["organization:*", "configuration:*"],
  expiresIn: "1h",
});
const common = { DATABASE_URL: bench.databaseUrl, JWT_PUBLIC_KEY: signer.publicKey };
const organization = await startServer("organization", `${root}/services/organization/src/main.ts`, common);
const configuration = await startServer(
  "configuration",
  `${root}/services/configuration/src/main.ts`,
  common,
);
const gateway = await startServer("gateway", `${root}/services/gateway/src/main.ts`, {
  SERVICE_URLS: `organization=${organization.url},config=${configuration.url}`,
  RATE_LIMIT_TENANT_PER_SECOND: "1000000",
  RATE_LIMIT_TENANT_BURST: "1000000",
  RATE_LIMIT_IP_PER_SECOND: "1000000",
  RATE_LIMIT_IP_BURST: "1000000",
});

// (1) cached reads through the reader, in this process
const reader = createConfigReader({
  url: configuration.url,
  service: "bench",
  log: createLogger({ level: "warn" }),
});
const call = { tenantId, authorization: `Bearer ${token}`, requestId: "bench", scope: { companyId } };
const warm = await reader.resolve("workflow.sla.hours", call);
if (warm.value !== 24) {
  throw new Error(`the reader resolved ${JSON.stringify(warm)}, not the company's 24`);
}
const BLOCK = 1_000;
const cachedRounds: { perSecond: number; p99: number }[] = [];
for (let round = 0; round < 5; round++) {
  const perCall: number[] = [];
  const began = performance.now();
  let calls = 0;
  while (performance.now() - began < 1_000) {
    const started = performance.now();
    for (let i = 0; i < BLOCK; i++) {
      reader.resolve("workflow.sla.hours", call);
    }
    perCall.push(((performance.now() - started) * 1_000_000) / BLOCK);
    calls += BLOCK;
  }
  perCall.sort((a, b) => a - b);
  cachedRounds.push({
    perSecond: calls / ((performance.now() - began) / 1000),
    p99: perCall[Math.floor(perCall.length * 0.99)] ?? Number.NaN,
  });
}

// (2) uncached through the gateway, beside the plain tenant read
const encode = (input: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(input)));
const headers = { authorization: `Bearer ${token}` };
const resolveInput = encode({ key: "workflow.sla.hours", scope: { companyId } });
const scenarios: Record<string, () => Request> = {
  "plain tenant read (organization.companies.get)": () =>
    new Request(`${gateway.url}/trpc/organization.companies.get?input=${encode({ id: companyId })}`, {
      headers,
    }),
  "config.resolve (uncached)": () =>
    new Request(`${gateway.url}/trpc/config.resolve?input=${resolveInput}`, { headers }),
};
for (const [name, make] of Object.entries(scenarios)) {
  const res = await fetch(make());
  if (!res.ok) {
    throw new Error(`warm-up of ${name} failed: ${res.status} ${await res.text()}`);
  }
  await load(make, { concurrency: CONCURRENCY, seconds: 1 });
}
const names = Object.keys(scenarios);
const results: Record<string, LoadResult[]> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse()) {
    const make = scenarios[name];
    if (make) {
      results[name]?.push(await load(make, { concurrency: CONCURRENCY, seconds: SECONDS }));
    }
  }
}

console.log(`\nbench:config — medians`);
console.log("(1) cached resolve through @vextrus/config/reader, in process, 5 rounds × 1 s");
console.table([
  {
    path: "reader.resolve (cached)",
    "resolutions/s": Math.round(median(cachedRounds.map((r) => r.perSecond))),
    "p99 ns (per call, blocks of 1000)": median(cachedRounds.map((r) => r.p99)).toFixed(0),
  },
]);
const cached = median(cachedRounds.map((r) => r.perSecond));
console.log(`cached ≥ 1,000,000/s: ${cached >= 1_000_000 ? "✓" : "✗"}`);
console.log(
  `(2) through the gateway, ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent keep-alive clients, alternating`,
);
console.table(
  Object.entries(results).map(([name, runs]) => ({
    path: name,
    "req/s": Math.round(median(runs.map((r) => r.perSecond))),
    "p50 ms": median(runs.map((r) => r.p50)).toFixed(2),
    "p99 ms": median(runs.map((r) => r.p99)).toFixed(2),
    errors: runs.reduce((n, r) => n + r.errors, 0),
  })),
);
const [plain = "", resolve = ""] = names;
const pairs = (key: "perSecond" | "p99") =>
  (results[resolve] ?? []).map((run, i) => run[key] / (results[plain]?.[i]?.[key] ?? Number.NaN));
const slower = 1 / median(pairs("perSecond"));
const p99 = median(pairs("p99"));
console.log(`throughput plain/resolve = ${slower.toFixed(2)} (target ≤ 1.25) ${slower <= 1.25 ? "✓" : "✗"}`);
console.log(`p99 resolve/plain        = ${p99.toFixed(2)} (target ≤ 1.25) ${p99 <= 1.25 ? "✓" : "✗"}`);

for (const server of [gateway, configuration, organization]) {
  server.proc.kill("SIGTERM");
}
await Promise.all([gateway.proc.exited, configuration.proc.exited, organization.proc.exited]);
await bench.drop();
