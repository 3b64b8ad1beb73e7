/**
 * Logins per second through the auth service: real PostgreSQL, argon2id at its production cost
 * (64 MiB, 2 passes), auth and organization in their own process, this process generating the load.
 * Also measures refused logins (unknown accounts: argon2id runs there too) and token refreshes.
 *   bun scripts/bench/logins.ts
 */
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { bootOrganization } from "@vextrus/organization/boot";
import { OrganizationEnv } from "@vextrus/organization/env";
import { createLogger } from "@vextrus/platform";
import { portForLater } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { type LoadResult, load, median } from "./load.ts";

const ROUNDS = 3;
const SECONDS = 5;
const CONCURRENCY = 8;
const ACCOUNTS = 6;

const freePort = () => portForLater();

/** The server half (`--serve`): organization and auth booted from their settings. */
async function serve() {
  const log = createLogger({ level: "error" });
  const orgPort = freePort();
  const auth = await bootAuth(
    AuthEnv.parse({
      DATABASE_URL: process.env.AUTH_DATABASE_URL,
      PORT: String(freePort()),
      ORGANIZATION_URL: `http://127.0.0.1:${orgPort}`,
      LOG_LEVEL: "error",
      // Every request carries its own x-forwarded-for: the per-IP limit is not what is measured.
      LOGIN_IP_MAX_FAILURES: "10000",
    }),
    { log },
  );
  await bootOrganization(
    OrganizationEnv.parse({
      DATABASE_URL: process.env.ORG_DATABASE_URL,
      PORT: String(orgPort),
      JWKS_URL: `${auth.url}/.well-known/jwks.json`,
      LOG_LEVEL: "error",
    }),
    { log },
  );
  console.log(`READY ${auth.url}`);
}

if (process.argv.includes("--serve")) {
  await serve();
} else {
  const pg = await ensurePostgres();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const stamp = Date.now();
  const urls: Record<string, string> = {};
  for (const name of ["auth", "org"]) {
    await admin.unsafe(`create database vx_bench_logins_${name}_${stamp}`);
    const url = new URL(pg.url);
    url.pathname = `/vx_bench_logins_${name}_${stamp}`;
    urls[name] = url.toString();
  }
  const server = Bun.spawn([process.execPath, import.meta.path, "--serve"], {
    env: { ...process.env, AUTH_DATABASE_URL: urls.auth, ORG_DATABASE_URL: urls.org },
    stdout: "pipe",
    stderr: "inherit",
  });
  process.on("exit", () => server.kill("SIGTERM"));
  const reader = server.stdout.getReader();
  let base = "";
  while (!base) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error("bench server exited");
    }
    base = /READY (\S+)/.exec(new TextDecoder().decode(value))?.[1] ?? "";
  }

  const ip = () =>
    `10.${(Math.random() * 250) | 0}.${(Math.random() * 250) | 0}.${(Math.random() * 250) | 0}`;
  const post = (path: string, input: unknown) =>
    new Request(`${base}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip() },
      body: JSON.stringify(superjson.serialize(input)),
    });

  const accounts: { tenantSlug: string; identifier: string; password: string }[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = {
      tenantSlug: `bench-${stamp}-${i}`,
      identifier: `owner-${i}@bench-${stamp}.example.com`,
      password: `Jute-Harbour-Monsoon-${i}-${stamp}`,
    };
    const res = await fetch(
      post("registerTenant", {
        tenant: { slug: account.tenantSlug, legalName: `Bench ${i} Ltd` },
        admin: { name: `Bench Owner ${i}`, email: account.identifier, password: account.password },
      }),
    );
    if (!res.ok) {
      throw new Error(`registration failed: ${res.status} ${await res.text()}`);
    }
    accounts.push(account);
  }
  let turn = 0;
  const nextAccount = () => accounts[turn++ % accounts.length] ?? accounts[0];
  const refreshTokens: string[] = [];
  for (const account of accounts) {
    const res = await fetch(post("login", account));
    const body = (await res.json()) as { result: { data: { json: { refreshToken: string } } } };
    refreshTokens.push(body.result.data.json.refreshToken);
  }

  const scenarios: Record<string, () => Request> = {
    "login (correct password)": () => post("login", nextAccount()),
    "login refused (unknown account)": () =>
      post("login", {
        tenantSlug: accounts[0]?.tenantSlug,
        identifier: `nobody-${Bun.randomUUIDv7()}@example.com`,
        password: "not-the-password",
      }),
  };
  const results: Record<string, LoadResult[]> = Object.fromEntries(
    Object.keys(scenarios).map((k) => [k, []]),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, make] of Object.entries(scenarios)) {
      results[name]?.push(await load(make, { concurrency: CONCURRENCY, seconds: SECONDS }));
    }
  }
  // The ceiling on this machine right now: argon2id verifications alone, same cost, same concurrency.
  const hash = await Bun.password.hash("ceiling-probe", {
    algorithm: "argon2id",
    memoryCost: 65_536,
    timeCost: 2,
  });
  const ceiling: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let done = 0;
    const deadline = performance.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          await Bun.password.verify("wrong", hash);
          done++;
        }
      }),
    );
    ceiling.push(done / SECONDS);
  }
  // Refused logins answer 401, which load() counts as errors: report their rate from the error count.
  const summary = Object.entries(results).map(([name, runs]) => {
    const refused = name.includes("refused");
    return {
      scenario: name,
      "per second":
        Math.round(median(runs.map((r) => (refused ? r.errors / SECONDS : r.perSecond))) * 10) / 10,
      "p50 ms": refused ? "-" : median(runs.map((r) => r.p50)).toFixed(1),
      "p99 ms": refused ? "-" : median(runs.map((r) => r.p99)).toFixed(1),
      errors: refused ? 0 : runs.reduce((n, r) => n + r.errors, 0),
    };
  });
  console.log(
    `\nbench:logins — ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent clients, argon2id m=64MiB t=2, medians`,
  );
  console.table([
    ...summary,
    { scenario: "argon2id verify alone (ceiling)", "per second": Math.round(median(ceiling) * 10) / 10 },
  ]);

  server.kill("SIGTERM");
  await server.exited;
  for (const url of Object.values(urls)) {
    await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  }
  await admin.end();
  await pg.stop();
}
