/**
 * `bun run bench:master-data`: search by name over 100,000 parties (half with Bengali names) through
 * the gateway — `masterData.parties.list({ search })`, each word a prefix of a name word, answered from
 * the party_terms index in a tenant transaction under FORCE row-level security — p50, p99 and
 * queries/s, beside the same query on an identical copy of the database (CREATE DATABASE … TEMPLATE)
 * without that index, i.e. as a scan, served by its own master-data + gateway. Searches are "first
 * last" name pairs, English or Bengali at random. Rounds alternate between the two; medians reported.
 *
 * Each round measures a path twice: its most (8 clients in a closed loop, which gives queries/s; their
 * latency is then mostly queueing, Little's law: 8 clients / queries per second), then its latency at
 * half that rate, requests sent on a clock whatever the answers' speed (open loop), which is how a
 * search box used by many people loads the system.
 */

import { loadavg } from "node:os";
import { bootGateway } from "@vextrus/gateway/boot";
import { GatewayEnv } from "@vextrus/gateway/env";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import { createLogger } from "@vextrus/platform";
import { createTestSigner } from "@vextrus/platform/testing";
import postgres from "postgres";
import superjson from "superjson";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { cpuMicros, load, median, paced } from "./load.ts";

const PARTIES = 100_000;
const ROUNDS = 3;
const SECONDS = 5;
const CONCURRENCY = 8;

const FIRST = [
  "Abdul",
  "Karim",
  "Rahim",
  "Jamal",
  "Kamal",
  "Nasir",
  "Habib",
  "Salam",
  "Rafiq",
  "Shafiq",
  "Anwar",
  "Mizan",
  "Liton",
  "Sohel",
  "Rubel",
  "Shahin",
  "Faruk",
  "Masud",
  "Tarek",
  "Babul",
  "Hanif",
  "Jahid",
  "Monir",
  "Nurul",
  "Obaid",
  "Parvez",
  "Quader",
  "Rashed",
  "Sajjad",
  "Tofail",
  "Ujjal",
  "Wahid",
];
const LAST = [
  "Uddin",
  "Rahman",
  "Hossain",
  "Islam",
  "Ahmed",
  "Chowdhury",
  "Miah",
  "Sarkar",
  "Talukder",
  "Bhuiyan",
  "Khan",
  "Sheikh",
  "Mollah",
  "Howlader",
  "Mridha",
  "Siddique",
  "Akand",
  "Bepari",
  "Munshi",
  "Patwary",
  "Gazi",
  "Dewan",
  "Majumder",
  "Biswas",
  "Mondal",
  "Paul",
  "Das",
  "Saha",
  "Roy",
  "Ghosh",
  "Dey",
  "Sen",
];
const FIRST_BN = [
  "আব্দুল",
  "করিম",
  "রহিম",
  "জামাল",
  "কামাল",
  "নাসির",
  "হাবিব",
  "সালাম",
  "রফিক",
  "শফিক",
  "আনোয়ার",
  "মিজান",
  "লিটন",
  "সোহেল",
  "রুবেল",
  "শাহিন",
  "ফারুক",
  "মাসুদ",
  "তারেক",
  "বাবুল",
  "হানিফ",
  "জাহিদ",
  "মনির",
  "নুরুল",
  "ওবায়েদ",
  "পারভেজ",
  "কাদের",
  "রাশেদ",
  "সাজ্জাদ",
  "তোফায়েল",
  "উজ্জ্বল",
  "ওয়াহিদ",
];
const LAST_BN = [
  "উদ্দিন",
  "রহমান",
  "হোসেন",
  "ইসলাম",
  "আহমেদ",
  "চৌধুরী",
  "মিয়া",
  "সরকার",
  "তালুকদার",
  "ভূঁইয়া",
  "খান",
  "শেখ",
  "মোল্লা",
  "হাওলাদার",
  "মৃধা",
  "সিদ্দিকী",
  "আকন্দ",
  "বেপারী",
  "মুন্সী",
  "পাটোয়ারী",
  "গাজী",
  "দেওয়ান",
  "মজুমদার",
  "বিশ্বাস",
  "মন্ডল",
  "পাল",
  "দাস",
  "সাহা",
  "রায়",
  "ঘোষ",
  "দে",
  "সেন",
];
const TRADE = [
  "Traders",
  "Enterprise",
  "Construction",
  "Builders",
  "Steel",
  "Cement Agency",
  "Sand Supply",
  "Brick Field",
  "Engineering",
  "Hardware",
  "Electric",
  "Sanitary",
  "Paints",
  "Timber",
  "Transport",
  "Developers",
];

if (process.argv[2] === "serve") {
  await serve();
} else {
  await drive();
}

/** One master-data service and a gateway in front of it, on the database in DATABASE_URL. */
async function serve() {
  const log = createLogger({ level: "error" });
  const common = {
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_PUBLIC_KEY: process.env.JWT_PUBLIC_KEY,
    LOG_LEVEL: "error",
  };
  const masterData = await bootMasterData({ ...MasterDataEnv.parse(common), PORT: 0 }, { log });
  const gateway = await bootGateway(
    {
      ...GatewayEnv.parse({
        LOG_LEVEL: "error",
        RATE_LIMIT_TENANT_PER_SECOND: "0",
        RATE_LIMIT_IP_PER_SECOND: "0",
      }),
      PORT: 0,
    },
    { services: { masterData: masterData.url }, log },
  );
  process.on("SIGTERM", () => process.exit(0));
  console.log(`READY ${JSON.stringify({ gateway: gateway.url })}`);
}

async function readyUrl(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error("bench server exited before it was ready");
    }
    text += new TextDecoder().decode(value);
    const match = /READY (\{.*\})/.exec(text);
    if (match?.[1]) {
      return (JSON.parse(match[1]) as { gateway: string }).gateway;
    }
  }
}

/** 100,000 parties of one tenant, every other one with a Bengali name, written in one statement. */
async function seed(sql: postgres.Sql, tenantId: string) {
  await sql`
    insert into master_data.parties (id, tenant_id, name, name_bn, roles)
    select gen_random_uuid(), ${tenantId},
           (${FIRST}::text[])[1 + (i * 7) % ${FIRST.length}] || ' ' || (${LAST}::text[])[1 + (i / 3) % ${LAST.length}]
             || ' ' || (${TRADE}::text[])[1 + (i * 13) % ${TRADE.length}] || ' ' || i,
           case when i % 2 = 0 then
             (${FIRST_BN}::text[])[1 + (i * 7) % ${FIRST_BN.length}] || ' ' || (${LAST_BN}::text[])[1 + (i / 3) % ${LAST_BN.length}]
           end,
           array['supplier']
    from generate_series(1, ${PARTIES}) as i`;
  // What autovacuum does after a bulk insert: statistics, and the visibility map that lets the terms
  // index answer without visiting the table.
  await sql`vacuum analyze master_data.parties`;
  await sql`vacuum analyze master_data.party_terms`;
}

async function drive() {
  const pg = await ensurePostgres();
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const stamp = Date.now();
  const names = { indexed: `vx_bench_md_index_${stamp}`, scan: `vx_bench_md_scan_${stamp}` };
  const urlOf = (db: string) => {
    const url = new URL(pg.url);
    url.pathname = `/${db}`;
    return url.toString();
  };
  const signer = await createTestSigner();
  const tenantId = Bun.randomUUIDv7();
  const token = await signer.sign({ tenantId, permissions: ["master-data:party:read"], expiresIn: "2h" });
  const servers: Bun.Subprocess[] = [];
  try {
    await admin.unsafe(`create database ${names.indexed}`);
    const start = (db: string) => {
      const server = Bun.spawn([process.execPath, import.meta.path, "serve"], {
        env: { ...process.env, DATABASE_URL: urlOf(db), JWT_PUBLIC_KEY: signer.publicKey },
        stdout: "pipe",
        stderr: "inherit",
      });
      servers.push(server);
      return readyUrl(server.stdout as ReadableStream<Uint8Array>);
    };
    await start(names.indexed); // migrates the first database
    const seeder = postgres(urlOf(names.indexed), { max: 1, onnotice: () => {} });
    await seed(seeder, tenantId);
    await seeder.end();
    // An identical copy without the terms index: the same query as a scan. (A template must be idle.)
    servers[0]?.kill("SIGTERM");
    await servers[0]?.exited;
    await admin.unsafe(`create database ${names.scan} template ${names.indexed}`);
    const scanDb = postgres(urlOf(names.scan), { max: 1, onnotice: () => {} });
    await scanDb`drop index master_data.party_terms_term_idx`;
    await scanDb.end();
    const gateways = {
      "terms index": await start(names.indexed),
      "same query, no index": await start(names.scan),
    };
    /** The process serving each path (master-data and its gateway): its CPU per query, steadier than time on a busy machine. */
    const pids: Record<string, number | undefined> = {
      "terms index": servers[1]?.pid,
      "same query, no index": servers[2]?.pid,
    };

    const searches = [
      ...FIRST.flatMap((f, i) => [`${f} ${LAST[(i * 5) % LAST.length]}`]),
      ...FIRST_BN.map((f, i) => `${f} ${LAST_BN[(i * 5) % LAST_BN.length]}`),
    ];
    const request = (gateway: string) => () => {
      const search = searches[Math.floor(Math.random() * searches.length)] ?? "Karim";
      const input = encodeURIComponent(JSON.stringify(superjson.serialize({ search, limit: 20 })));
      return new Request(`${gateway}/trpc/masterData.parties.list?input=${input}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    };
    // The answers must agree before they are timed.
    for (const search of [searches[0] ?? "", searches[40] ?? ""]) {
      const bodies = await Promise.all(
        Object.values(gateways).map(async (g) => {
          const input = encodeURIComponent(JSON.stringify(superjson.serialize({ search, limit: 100 })));
          const res = await fetch(`${g}/trpc/masterData.parties.list?input=${input}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return res.text();
        }),
      );
      if (bodies[0] !== bodies[1] || !bodies[0]?.includes('"items":[{')) {
        throw new Error(`the two databases answer "${search}" differently (or with nothing)`);
      }
    }
    for (const gateway of Object.values(gateways)) {
      await load(request(gateway), { concurrency: CONCURRENCY, seconds: 1 });
    }
    type Run = Awaited<ReturnType<typeof load>> & {
      cpuPerQuery: number;
      halfRate: Awaited<ReturnType<typeof paced>>;
    };
    const results: Record<string, Run[]> = Object.fromEntries(
      Object.keys(gateways).map((name) => [name, []]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, gateway] of Object.entries(gateways)) {
        const pid = pids[name] ?? 0;
        const cpuBefore = cpuMicros(pid);
        const run = await load(request(gateway), { concurrency: CONCURRENCY, seconds: SECONDS });
        const cpuPerQuery = (cpuMicros(pid) - cpuBefore) / Math.max(1, run.requests);
        const halfRate = await paced(request(gateway), {
          rate: Math.max(1, run.perSecond / 2),
          seconds: SECONDS,
        });
        results[name]?.push({ ...run, cpuPerQuery, halfRate });
      }
    }
    console.log(
      `\nbench:master-data — parties.list({ search }) through the gateway over ${PARTIES.toLocaleString("en")} parties (half Bengali), ` +
        `${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent clients, medians`,
    );
    const rows = Object.entries(results).map(([name, runs]) => ({
      path: name,
      "queries/s": Math.round(median(runs.map((r) => r.perSecond))),
      "p50 / p99 ms at most": `${median(runs.map((r) => r.p50)).toFixed(1)} / ${median(runs.map((r) => r.p99)).toFixed(1)}`,
      "p50 / p99 ms at half": `${median(runs.map((r) => r.halfRate.p50)).toFixed(1)} / ${median(runs.map((r) => r.halfRate.p99)).toFixed(1)}`,
      p99Half: median(runs.map((r) => r.halfRate.p99)),
      "server CPU µs/query": Math.round(median(runs.map((r) => r.cpuPerQuery))),
      errors: runs.reduce((n, r) => n + r.errors + r.halfRate.errors, 0),
    }));
    console.table(rows.map(({ p99Half: _, ...row }) => row));
    const [indexed, scan] = rows;
    if (indexed && scan) {
      console.log(
        `index / scan: ${(indexed["queries/s"] / scan["queries/s"]).toFixed(1)}× the queries per second; ` +
          `p99 at half the most rate ${indexed.p99Half.toFixed(1)} ms vs ${scan.p99Half.toFixed(1)} ms (target: p99 < 20 ms, ≥ 20×)`,
      );
      console.log(
        `load average when done: ${loadavg()
          .map((n) => n.toFixed(1))
          .join(" ")} (the machine's other work counts)`,
      );
    }
  } finally {
    for (const server of servers) {
      server.kill("SIGTERM");
      await server.exited;
    }
    for (const db of Object.values(names)) {
      await admin.unsafe(`drop database if exists ${db} with (force)`);
    }
    await admin.end();
    await pg.stop();
  }
}
