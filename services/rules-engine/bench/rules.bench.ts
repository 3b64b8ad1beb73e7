/**
 * The rules benchmark (run by `npm run bench:rules`, i.e. scripts/bench/rules.ts): one 50-rule set in
 * our engine and in json-rules-engine, 100,000 random fact sets, identical decisions asserted, then
 * evaluations/s for both and the ratio; then evaluations/s through the real service with every
 * evaluation stored in PostgreSQL.
 */
import { createLogger, createTokenVerifier } from "@vextrus/platform";
import { APP_ROLE, migrateService, postgresDatabase } from "@vextrus/platform/db";
import { createTestSigner } from "@vextrus/platform/testing";
import { Engine } from "json-rules-engine";
import postgres from "postgres";
import { Registry } from "prom-client";
import superjson from "superjson";
import { createApp } from "../src/app.ts";
import { MIGRATIONS } from "../src/boot.ts";
import type { RulesContext, RulesDeps } from "../src/deps.ts";
import { evaluate } from "../src/domain/evaluations.ts";
import { RuleSetCache } from "../src/engine/cache.ts";
import { assembleSet, compileRule, runSet } from "../src/engine/compile.ts";
import type { FactType, RuleVersion } from "../src/engine/model.ts";
import { validateRule } from "../src/engine/validate.ts";
import { createRulesMetrics } from "../src/metrics.ts";
import { BENCH_FACTS, fiftyRules, randomFacts } from "./fifty-rules.ts";

const N = 100_000;
const ROUNDS = 10;
const SECONDS = 5;
const CONCURRENCY = 32;
const AT = new Date("2025-07-01T06:00:00Z");

function ourEngine() {
  const { ours } = fiftyRules();
  const factTypes: Record<string, FactType> = {};
  const versions: RuleVersion[] = ours.map(({ key, ...body }, i) => {
    const checked = validateRule(body, BENCH_FACTS, []);
    Object.assign(factTypes, checked.factTypes);
    return { ...body, key, id: `bench-${i}`, ruleId: `bench-${i}`, version: 1, factTypes: checked.factTypes };
  });
  return assembleSet("bench.fifty", versions.map(compileRule), factTypes);
}

function theirEngine() {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of fiftyRules().theirs) {
    engine.addRule(rule);
  }
  return engine;
}

const decisionOf = (matched: string[]) => matched.sort().join(",");

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function runRulesBench(options: { adminUrl: string }) {
  const facts = randomFacts(N);
  const set = ourEngine();
  const engine = theirEngine();

  // Warm both up. Then ROUNDS interleaved rounds (this machine is shared and noisy): in round r each
  // engine decides the r-th slice of the fact sets, so each decides all N once, side by side in time;
  // the rates reported are the medians of the rounds.
  for (const f of facts.slice(0, 5000)) {
    runSet(set, f.ours, AT);
    await engine.run(f.theirs);
  }
  const ourDecisions: string[] = new Array(N);
  const theirDecisions: string[] = new Array(N);
  const ourRates: number[] = [];
  const theirRates: number[] = [];
  const slice = N / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * slice;
    let began = performance.now();
    for (let i = from; i < from + slice; i++) {
      const result = runSet(set, (facts[i] as (typeof facts)[number]).ours, AT);
      ourDecisions[i] = decisionOf(result.actions.flatMap((a) => (a.kind === "flag" ? [a.flag] : [])));
    }
    ourRates.push(slice / ((performance.now() - began) / 1000));
    began = performance.now();
    for (let i = from; i < from + slice; i++) {
      const { events } = await engine.run((facts[i] as (typeof facts)[number]).theirs);
      theirDecisions[i] = decisionOf(events.map((e) => e.type));
    }
    theirRates.push(slice / ((performance.now() - began) / 1000));
  }

  let differing = 0;
  let matchedTotal = 0;
  for (let i = 0; i < N; i++) {
    if (ourDecisions[i] !== theirDecisions[i]) {
      differing++;
    }
    matchedTotal += ourDecisions[i] ? (ourDecisions[i] as string).split(",").length : 0;
  }
  if (differing > 0) {
    throw new Error(`${differing} of ${N} decisions differ between the engines`);
  }
  const ours = median(ourRates);
  const theirs = median(theirRates);
  console.log(`\nbench:rules — 50 rules, ${N.toLocaleString("en")} random fact sets, identical decisions ✓`);
  console.log(
    `(on average ${(matchedTotal / N).toFixed(1)} rules match per fact set; medians of ${ROUNDS} interleaved rounds)`,
  );
  console.table([
    {
      engine: "vextrus rules engine (compiled closures, exact decimals, full trace)",
      "evaluations/s": Math.round(ours),
      rounds: ourRates.map((r) => Math.round(r)).join(" "),
    },
    {
      engine: "json-rules-engine 7.3.1",
      "evaluations/s": Math.round(theirs),
      rounds: theirRates.map((r) => Math.round(r)).join(" "),
    },
  ]);
  const ratio = ours / theirs;
  // Each round's two runs are side by side in time, so their ratio sees the same machine load.
  const roundRatio = median(ourRates.map((rate, i) => rate / (theirRates[i] ?? Number.NaN)));
  console.log(
    `ratio of the medians = ${ratio.toFixed(1)}×, median of the per-round ratios = ${roundRatio.toFixed(1)}×`,
  );
  console.log(`target ≥ 20× ${Math.min(ratio, roundRatio) >= 20 ? "✓" : "✗"}`);

  await storedBench(options.adminUrl, facts);
}

/** evaluations/s through the service (tRPC over in-process HTTP), each stored in PostgreSQL. */
async function storedBench(adminUrl: string, facts: ReturnType<typeof randomFacts>) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const dbName = `vx_bench_rules_${Date.now()}`;
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const db = postgresDatabase({ url: url.toString(), appRole: APP_ROLE, maxConnections: 16 });
  try {
    await migrateService({ url: url.toString() }, "rules-engine", MIGRATIONS);
    const signer = await createTestSigner();
    const verifyToken = await createTokenVerifier({ publicKey: signer.publicKey, issuer: "vextrus-auth" });
    const app = createApp({
      db,
      log: createLogger({ level: "error", write: () => {} }),
      verifyToken,
      cache: new RuleSetCache({ ttlMs: 600_000 }),
    });
    const tenantId = Bun.randomUUIDv7();
    const token = await signer.sign({
      tenantId,
      permissions: ["rules:*"],
      expiresIn: "1h",
    });
    const call = async (path: string, input: unknown) => {
      const res = await app.fetch(
        new Request(`http://rules.bench/trpc/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(superjson.serialize(input)),
        }),
      );
      if (!res.ok) {
        throw new Error(`${path}: ${res.status} ${await res.text()}`);
      }
      await res.arrayBuffer();
    };
    await call("ruleSets.define", { key: "bench.fifty", name: "Bench", facts: BENCH_FACTS });
    for (const rule of fiftyRules().ours) {
      await call("rules.create", { ...rule, ruleSet: "bench.fifty" });
    }
    const http = await measure(async (f) => {
      await call("evaluate", { ruleSet: "bench.fifty", facts: f });
    });
    const deps: RulesDeps = {
      db,
      metrics: createRulesMetrics(new Registry()),
      cache: new RuleSetCache({ ttlMs: 600_000 }),
    };
    const log = createLogger({ level: "error", write: () => {} });
    const ctx: RulesContext = {
      requestId: "bench",
      locale: "en",
      log,
      principal: { tenantId, userId: "bench", permissions: ["rules:*"], sessionId: undefined },
      authError: null,
      authorization: undefined,
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      deps,
      tenantId,
    };
    const direct = await measure(async (f) => {
      await evaluate({ ctx, input: { ruleSet: "bench.fifty", facts: f } });
    });
    console.log(`\nstored in PostgreSQL (inputs, rule versions, decision and fired rules per row),`);
    console.log(`${CONCURRENCY} concurrent callers in this process, ${SECONDS} s each:`);
    console.table([
      {
        path: "tRPC over HTTP (token check, zod, superjson) + insert",
        "evaluations/s": Math.round(http.rate),
        evaluations: http.done,
      },
      {
        path: "domain verb evaluate() + insert",
        "evaluations/s": Math.round(direct.rate),
        evaluations: direct.done,
      },
    ]);

    async function measure(work: (facts: Record<string, string | number | boolean>) => Promise<void>) {
      let next = 0;
      let done = 0;
      const deadline = performance.now() + SECONDS * 1000;
      const began = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < deadline) {
            await work(facts[next++ % facts.length]?.ours ?? {});
            done++;
          }
        }),
      );
      return { done, rate: done / ((performance.now() - began) / 1000) };
    }
  } finally {
    await db.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}
