/**
 * `npm run bench:platform`: req/s, p50 and p99 for (a) GET /health/live, (b) a tRPC query reading one
 * organization row by id in a tenant (RLS) transaction, (c) the same read without the transaction.
 * The server runs in its own process; this process generates the load. Rounds are interleaved and
 * medians reported (2 noisy cores).
 */

import { createTestSigner } from "@vextrus/platform/testing";
import superjson from "superjson";
import { type LoadResult, load, median } from "./load.ts";
import { seedOrganizationRead } from "./seed.ts";

const ROUNDS = 3;
const SECONDS = 4;
const CONCURRENCY = 32;

const bench = await seedOrganizationRead("platform");
const { tenantId, companyId } = bench;

const signer = await createTestSigner();
const token = await signer.sign({ tenantId, permissions: ["*"], expiresIn: "1h" });
const server = Bun.spawn([process.execPath, `${import.meta.dir}/platform-server.ts`], {
  env: { ...process.env, DATABASE_URL: bench.databaseUrl, PORT: "0", JWT_PUBLIC_KEY: signer.publicKey },
  stdout: "pipe",
  stderr: "inherit",
});
const reader = server.stdout.getReader();
let base = "";
while (!base) {
  const { value, done } = await reader.read();
  if (done) {
    throw new Error("bench server exited");
  }
  base = /READY (\S+)/.exec(new TextDecoder().decode(value))?.[1] ?? "";
}

const input = encodeURIComponent(JSON.stringify(superjson.serialize({ id: companyId })));
const headers = { authorization: `Bearer ${token}` };
const scenarios: Record<string, () => Request> = {
  "(a) GET /health/live": () => new Request(`${base}/health/live`),
  "(b) tRPC read in tenant tx": () => new Request(`${base}/trpc/inTenant?input=${input}`, { headers }),
  "(c) tRPC read, no tenant tx": () => new Request(`${base}/trpc/direct?input=${input}`, { headers }),
};

for (const make of Object.values(scenarios)) {
  const res = await fetch(make());
  if (!res.ok) {
    throw new Error(`warm-up failed: ${res.status} ${await res.text()}`);
  }
  await load(make, { concurrency: CONCURRENCY, seconds: 1 });
}

const results: Record<string, LoadResult[]> = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(scenarios)) {
    results[name]?.push(await load(make, { concurrency: CONCURRENCY, seconds: SECONDS }));
  }
}

const summary = Object.entries(results).map(([name, runs]) => ({
  scenario: name,
  "req/s": Math.round(median(runs.map((r) => r.perSecond))),
  "p50 ms": median(runs.map((r) => r.p50)).toFixed(2),
  "p99 ms": median(runs.map((r) => r.p99)).toFixed(2),
  errors: runs.reduce((n, r) => n + r.errors, 0),
}));
console.log(
  `\nbench:platform — ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent keep-alive clients, medians`,
);
console.table(summary);
const rate = (name: string) => median((results[name] ?? []).map((r) => r.perSecond));
const ratio = rate("(b) tRPC read in tenant tx") / rate("(c) tRPC read, no tenant tx");
console.log(`ratio b/c = ${ratio.toFixed(2)} (target ≥ 0.60) ${ratio >= 0.6 ? "✓" : "✗"}`);

server.kill("SIGTERM");
await server.exited;
await bench.drop();
