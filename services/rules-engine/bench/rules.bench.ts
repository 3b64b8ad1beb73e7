/**
 * The rules benchmark (run by `npm run bench:rules`, i.e. scripts/bench/rules.ts): one 50-rule set in
 * our engine, in json-rules-engine, in GoRules ZEN (Rust through N-API, one decision table, called
 * ZEN_CONCURRENCY at a time) and hand-written as plain JavaScript `if`s (the floor); 100,000 random
 * fact sets, identical decisions asserted across all four, then evaluations/s and the ratios; then
 * evaluations/s through the real service with every evaluation stored in PostgreSQL.
 */

import { loadavg } from "node:os";
import { ZenEngine } from "@gorules/zen-engine";
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
import type { Action, FactType, RuleVersion } from "../src/engine/model.ts";
import { validateRule } from "../src/engine/validate.ts";
import { createRulesMetrics } from "../src/metrics.ts";
import { BENCH_FACTS, type FactSet, fiftyRules, randomFacts } from "./fifty-rules.ts";

/** Fact sets decided by each engine (BENCH_FACT_SETS to shorten a run on a busy machine). */
const N = Number(process.env.BENCH_FACT_SETS ?? 100_000);
const ROUNDS = 10;
const SECONDS = 5;
const CONCURRENCY = 32;
const ZEN_CONCURRENCY = 64;
const MIN_ROUND_MS = 250;
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

/**
 * The flags among our actions, read as a caller would: one loop into one array (as the other
 * engines' results are read with one `map`), not a `flatMap` making an array per action.
 */
function flagsOf(actions: readonly Action[]): string[] {
  const flags: string[] = [];
  for (const action of actions) {
    if (action.kind === "flag") {
      flags.push(action.flag);
    }
  }
  return flags;
}

type Contender = "ours" | "oursTrace" | "theirs" | "zen" | "floor";

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function runRulesBench(options: { adminUrl: string }) {
  const facts = randomFacts(N);
  const set = ourEngine();
  const engine = theirEngine();
  const { zen: zenContent, floor } = fiftyRules();
  const zen = new ZenEngine().createDecision(zenContent);
  const zenFlags = async (f: FactSet) => {
    const response = await zen.evaluate(f.theirs);
    return decisionOf((response.result as { flag: string }[]).map((r) => r.flag));
  };

  // Warm all up. Then ROUNDS interleaved rounds (this machine is shared and noisy): in round r each
  // engine decides the r-th slice of the fact sets, so each decides all N once, side by side in time;
  // the rates reported are the medians of the rounds.
  for (const f of facts.slice(0, 5000)) {
    runSet(set, f.ours, AT);
    await engine.run(f.theirs);
    await zenFlags(f);
    floor(f.floor);
  }
  const decisions: Record<Contender, string[]> = {
    ours: new Array(N),
    oursTrace: new Array(N),
    theirs: new Array(N),
    zen: new Array(N),
    floor: new Array(N),
  };
  const rates: Record<Contender, number[]> = { ours: [], oursTrace: [], theirs: [], zen: [], floor: [] };
  const slice = N / ROUNDS;
  /** Evaluations per second of CPU (this process, all threads): steadier than wall time when the machine is shared. */
  const cpuRates: Record<Contender, number[]> = { ours: [], oursTrace: [], theirs: [], zen: [], floor: [] };
  const cpuMicros = () => {
    const usage = process.cpuUsage();
    return usage.user + usage.system;
  };
  /**
   * Decides the round's slice, then decides it again until MIN_ROUND_MS have passed (a fast engine's
   * slice alone would take a few ms, too short to time on a busy machine). Every pass decides the same.
   */
  const timed = async (who: Contender, from: number, decide: (i: number) => Promise<void> | void) => {
    const began = performance.now();
    const cpuBefore = cpuMicros();
    let done = 0;
    for (let pass = 0; pass === 0 || performance.now() - began < MIN_ROUND_MS; pass++) {
      for (let i = from; i < from + slice; i++) {
        await decide(i);
      }
      done += slice;
    }
    rates[who].push(done / ((performance.now() - began) / 1000));
    cpuRates[who].push(done / ((cpuMicros() - cpuBefore) / 1_000_000));
  };
  const fact = (i: number) => facts[i] as FactSet;
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * slice;
    await timed("ours", from, (i) => {
      const result = runSet(set, fact(i).ours, AT);
      decisions.ours[i] = decisionOf(flagsOf(result.actions));
    });
    // The same, reading the trace too: its objects are rendered from the recorded results on read.
    await timed("oursTrace", from, (i) => {
      const result = runSet(set, fact(i).ours, AT);
      if (result.trace.length !== set.rules.length) {
        throw new Error("the trace lists every rule in effect");
      }
      decisions.oursTrace[i] = decisionOf(flagsOf(result.actions));
    });
    await timed("theirs", from, async (i) => {
      const { events } = await engine.run(fact(i).theirs);
      decisions.theirs[i] = decisionOf(events.map((e) => e.type));
    });
    {
      // ZEN answers on a thread pool: ZEN_CONCURRENCY calls in flight, as a service would have.
      const began = performance.now();
      const cpuBefore = cpuMicros();
      let next = from;
      await Promise.all(
        Array.from({ length: ZEN_CONCURRENCY }, async () => {
          for (let i = next++; i < from + slice; i = next++) {
            decisions.zen[i] = await zenFlags(fact(i));
          }
        }),
      );
      rates.zen.push(slice / ((performance.now() - began) / 1000));
      cpuRates.zen.push(slice / ((cpuMicros() - cpuBefore) / 1_000_000));
    }
    await timed("floor", from, (i) => {
      decisions.floor[i] = decisionOf(floor(fact(i).floor));
    });
  }

  let matchedTotal = 0;
  const differing: string[] = [];
  for (let i = 0; i < N; i++) {
    const want = decisions.ours[i];
    for (const who of ["oursTrace", "theirs", "zen", "floor"] as const) {
      if (decisions[who][i] !== want && differing.length < 10) {
        differing.push(
          `fact set ${i} ${JSON.stringify(fact(i).theirs)}: ours [${want}], ${who} [${decisions[who][i]}]`,
        );
      }
    }
    matchedTotal += want ? want.split(",").length : 0;
  }
  if (differing.length > 0) {
    throw new Error(`decisions differ between the engines:\n${differing.join("\n")}`);
  }
  console.log(
    `\nbench:rules — 50 rules, ${N.toLocaleString("en")} random fact sets, identical decisions in all of them ✓`,
  );
  console.log(
    `(on average ${(matchedTotal / N).toFixed(1)} rules match per fact set; medians of ${ROUNDS} interleaved rounds)`,
  );
  const row = (engineName: string, who: Contender) => ({
    engine: engineName,
    "evaluations/s": Math.round(median(rates[who])),
    "per CPU second": Math.round(median(cpuRates[who])),
    "rounds (per CPU second)": cpuRates[who].map((r) => Math.round(r)).join(" "),
  });
  console.table([
    row("vextrus rules engine (generated per set, exact decimals, every result recorded)", "ours"),
    row("  the same, its trace read (rendered into objects)", "oursTrace"),
    row("json-rules-engine 7.3.1", "theirs"),
    row(`GoRules ZEN 0.54 (decision table, ${ZEN_CONCURRENCY} calls in flight, no trace)`, "zen"),
    row("hand-written JavaScript ifs (the floor, integer poisha)", "floor"),
  ]);
  // Each round's runs are side by side in time, so their ratio sees the same machine load. Per CPU
  // second is the steadier measure on a shared machine (wall time counts other people's work).
  const perRound = (series: Record<Contender, number[]>, mine: Contender, who: Contender) =>
    median(series[mine].map((rate, i) => rate / (series[who][i] ?? Number.NaN)));
  const check = (label: string, mine: Contender, who: Contender, target: number) => {
    const cpu = perRound(cpuRates, mine, who);
    const wall = perRound(rates, mine, who);
    console.log(
      `${label.padEnd(22)} ${cpu.toFixed(2)}× per CPU second, ${wall.toFixed(2)}× wall (target ≥ ${target}×) ${cpu >= target ? "✓" : "✗"}`,
    );
  };
  check("ours / json-rules-engine", "ours", "theirs", 20);
  check("ours / ZEN", "ours", "zen", 2);
  check("ours / floor", "ours", "floor", 0.5);
  check("ours + trace / floor", "oursTrace", "floor", 0.5);
  console.log(
    `load average: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")}`,
  );

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
