/**
 * `bun run bench:documents`: Mushak-6.3 tax invoices (8 lines, one A4 page, Bengali) per second —
 * rendered by the document generator (`documents.render`: the tax.vat rules evaluated by
 * rules-engine, the page set by Typst in the service's workers), straight and through the gateway,
 * and issued through the gateway (`documents.issue`: rendered, stored in file-storage on S3Proxy,
 * recorded) — side by side with Debian Chromium printing the same invoice from HTML through
 * playwright-core (`page.setContent` + `page.pdf`, warm, the fonts embedded as data URLs). Every
 * service runs in a process of its own, as deployed. Rounds rotate the paths so they share the
 * machine's noise; figures are medians of the rounds. Targets (issue #17): rendering ≥ 10× Chromium's
 * pages/s; issuing ≥ 100 invoices/s. Per path it prints the CPU per invoice of every process it runs
 * through (each service, this client, the bench database's PostgreSQL backends, PostgreSQL's own
 * processes, S3Proxy; from /proc) and of the whole machine: on 2 cores, 100 issues/s leave 20 ms.
 *   BENCH_ROUNDS (3), BENCH_SECONDS (4), BENCH_CONCURRENCY (4), CHROMIUM (/usr/bin/chromium)
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { formatBDT, toBengaliDigits } from "@vextrus/bd";
import { createTestSigner } from "@vextrus/platform/testing";
import { chromium } from "playwright-core";
import postgres from "postgres";
import QRCode from "qrcode";
import superjson from "superjson";
import { mushak63 } from "../../services/document-generator/test/fixtures.ts";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { ensureS3 } from "../test-infra/s3proxy.ts";
import { cpuMicros, type LoadResult, load, machineBusyMs, median } from "./load.ts";
import { freePort, startServer } from "./servers.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const root = `${import.meta.dir}/../..`;
const require = createRequire(import.meta.url);

/** The Mushak-6.3 the service's own tests issue: 8 lines of building materials, two VAT rates, one with SD. */
const invoice = (number: string) => mushak63({ number });
const LINES = mushak63().lines;

// ── the same invoice as HTML, for Chromium ─────────────────────────────────────────────────────

const font = (file: string) => readFileSync(require.resolve(file)).toString("base64");
const FACES = [
  ["Noto Sans", 400, "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf"],
  ["Noto Sans", 700, "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf"],
  [
    "Noto Sans Bengali",
    400,
    "@expo-google-fonts/noto-sans-bengali/400Regular/NotoSansBengali_400Regular.ttf",
  ],
  ["Noto Sans Bengali", 700, "@expo-google-fonts/noto-sans-bengali/700Bold/NotoSansBengali_700Bold.ttf"],
] as const;
const fontCss = FACES.map(
  ([family, weight, file]) =>
    `@font-face{font-family:"${family}";font-weight:${weight};src:url(data:font/ttf;base64,${font(file)}) format("truetype")}`,
).join("\n");

const bn = (amount: string) => formatBDT(amount, { digits: "bengali" });
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

async function invoiceHtml(number: string): Promise<string> {
  const rows = LINES.map((l, i) => {
    const value = (l.quantity * Number(l.unitPrice)).toFixed(2);
    const sd = ((Number(value) * (l.sdRate ?? 0)) / 100).toFixed(2);
    const vat = (((Number(value) + Number(sd)) * l.vatRate) / 100).toFixed(2);
    const total = (Number(value) + Number(sd) + Number(vat)).toFixed(2);
    const cells = [
      toBengaliDigits(String(i + 1)),
      esc(l.description),
      esc(l.unit),
      toBengaliDigits(String(l.quantity)),
      bn(l.unitPrice),
      bn(value),
      toBengaliDigits(`${l.sdRate ?? 0}%`),
      bn(sd),
      toBengaliDigits(`${l.vatRate}%`),
      bn(vat),
      bn(total),
    ];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  }).join("");
  const qr = await QRCode.toString(
    `VXDOC1|mushak-6.3|${number}|0001234560101|2026-12-06T16:30:00+06:00|1349047.51|${"0".repeat(64)}`,
    {
      type: "svg",
      errorCorrectionLevel: "M",
      margin: 1,
    },
  );
  const head = [
    "ক্রমিক সংখ্যা",
    "পণ্য বা সেবার বর্ণনা (প্রযোজ্য ক্ষেত্রে ব্র্যান্ড নামসহ)",
    "সরবরাহের একক",
    "পরিমাণ",
    "একক মূল্য (টাকায়)",
    "মোট মূল্য (টাকায়)",
    "সম্পূরক শুল্কের হার",
    "সম্পূরক শুল্কের পরিমাণ (টাকায়)",
    "মূল্য সংযোজন করের হার",
    "মূল্য সংযোজন করের পরিমাণ (টাকায়)",
    "সকল প্রকার শুল্ক ও করসহ মূল্য",
  ];
  return `<!doctype html><html lang="bn"><head><meta charset="utf-8"><style>${fontCss}
@page{size:A4;margin:12mm 12mm 16mm}
body{font-family:"Noto Sans","Noto Sans Bengali";font-size:8.5pt}
h1{font-size:13pt;text-align:center;margin:2mm 0}
.c{text-align:center}
table{width:100%;border-collapse:collapse;font-size:7.5pt}
td,th{border:0.4pt solid #000;padding:1.2mm;text-align:right}
td:nth-child(2),td:nth-child(3){text-align:left}
th{font-size:6.8pt}
.g{display:grid;grid-template-columns:1fr 1fr;gap:1.4mm 6mm;margin:2mm 0}
svg{width:26mm}
</style></head><body>
<div class="c">গণপ্রজাতন্ত্রী বাংলাদেশ সরকার<br>জাতীয় রাজস্ব বোর্ড</div><h1>কর চালানপত্র</h1>
<div class="c">[বিধি ৪০ এর উপ-বিধি (১) এর দফা (গ) ও দফা (চ) দ্রষ্টব্য] — মূসক-৬.৩</div>
<div class="g"><div><b>নিবন্ধিত ব্যক্তির নাম:</b> রহিম কনস্ট্রাকশন লিমিটেড</div><div><b>চালানপত্র নম্বর:</b> ${esc(number)}</div>
<div><b>নিবন্ধিত ব্যক্তির বিআইএন:</b> ০০০১২৩৪৫৬-০১০১</div><div><b>ইস্যুর তারিখ:</b> ০৬/১২/২০২৬</div>
<div><b>চালানপত্র ইস্যুর ঠিকানা:</b> বাড়ি ১২, রোড ৫, ধানমন্ডি, ঢাকা ১২০৫</div><div><b>ইস্যুর সময়:</b> ১৬:৩০</div>
<div><b>ক্রেতার নাম:</b> করিম ডেভেলপার্স লিমিটেড</div><div><b>বাংলা তারিখ:</b> ২১ অগ্রহায়ণ ১৪৩৩</div>
<div><b>ক্রেতার বিআইএন:</b> ০০০৯৮৭৬৫৪-০২০২</div><div></div>
<div><b>ক্রেতার ঠিকানা:</b> আগ্রাবাদ বা/এ, চট্টগ্রাম ৪১০০</div><div></div>
<div><b>সরবরাহের গন্তব্যস্থল:</b> মিরপুর ১০ প্রকল্প সাইট, ঢাকা</div><div></div>
<div><b>যানবাহনের প্রকৃতি ও নম্বর:</b> ট্রাক, ঢাকা মেট্রো-ট ১১-২২৩৩</div><div></div></div>
<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows}
<tr><td colspan="5"><b>সর্বমোট</b></td><td><b>১১,৬২,৯১৭.৫০</b></td><td></td><td><b>২৬,৫০৪.২৫</b></td><td></td><td><b>১,৫৯,৬২৫.৭৬</b></td><td><b>১৩,৪৯,০৪৭.৫১</b></td></tr>
</tbody></table>
<p><b>কথায়:</b> তেরো লক্ষ উনপঞ্চাশ হাজার সাতচল্লিশ টাকা একান্ন পয়সা মাত্র<br>Taka Thirteen Lakh Forty Nine Thousand Forty Seven and Fifty One Poisha Only</p>
<div class="g"><div><b>প্রতিষ্ঠান কর্তৃপক্ষের দায়িত্বপ্রাপ্ত ব্যক্তির নাম:</b> আব্দুল কাদের<br><b>পদবি:</b> হিসাব কর্মকর্তা<br><br><br>স্বাক্ষর: ________<br>সিল:</div>
<div style="text-align:right">${qr}</div></div></body></html>`;
}

// ── the services ───────────────────────────────────────────────────────────────────────────────

async function main() {
  const [pg, s3] = await Promise.all([ensurePostgres(), ensureS3()]);
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const dbName = `vx_bench_documents_${Date.now()}`;
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(pg.url);
  dbUrl.pathname = `/${dbName}`;
  const common = { DATABASE_URL: dbUrl.toString() };
  const signer = await createTestSigner();
  const auth = { JWT_PUBLIC_KEY: signer.publicKey };
  const documentsPort = String(freePort());
  const rules = await startServer("rules-engine", `${root}/services/rules-engine/src/main.ts`, {
    ...common,
    ...auth,
  });
  const files = await startServer("file-storage", `${root}/services/file-storage/src/main.ts`, {
    ...common,
    ...auth,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKey,
    S3_SECRET_ACCESS_KEY: s3.secretKey,
    S3_BUCKET: `bench-docs-${Date.now()}`,
    DOCUMENTS_URL: `http://127.0.0.1:${documentsPort}`,
  });
  const documents = await startServer(
    "document-generator",
    `${root}/services/document-generator/src/main.ts`,
    {
      ...common,
      ...auth,
      PORT: documentsPort,
      RULES_URL: rules.url,
      FILES_URL: files.url,
      // The machine is shared: a saturated file-storage must not turn a slow upload into a failure.
      UPSTREAM_TIMEOUT_MS: "30000",
    },
  );
  const gateway = await startServer("gateway", `${root}/services/gateway/src/main.ts`, {
    SERVICE_URLS: `documents=${documents.url},files=${files.url},rules=${rules.url}`,
    ...auth,
    RATE_LIMIT_TENANT_PER_SECOND: "1000000",
    RATE_LIMIT_TENANT_BURST: "1000000",
    RATE_LIMIT_IP_PER_SECOND: "1000000",
    RATE_LIMIT_IP_BURST: "1000000",
    UPSTREAM_TIMEOUT_MS: "60000",
  });
  const tenantId = crypto.randomUUID();
  const token = await signer.sign({
    tenantId,
    permissions: ["document-generator:*", "rules:*", "file-storage:*"],
    expiresIn: "2h",
  });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = (url: string, input: unknown) =>
    new Request(url, { method: "POST", headers, body: JSON.stringify(superjson.serialize(input)) });
  const installed = await fetch(post(`${rules.url}/trpc/packs.install`, { packs: ["tax.vat"] }));
  if (!installed.ok) {
    throw new Error(`installing tax.vat: ${installed.status} ${await installed.text()}`);
  }

  let n = 0;
  let m = 0;
  const scenarios: Record<string, () => Request> = {
    "render, service": () =>
      post(`${documents.url}/trpc/render`, {
        template: "mushak-6.3",
        locale: "bn",
        data: invoice("INV-B-1"),
      }),
    // A new number each time: Typst lays the page out afresh (the same data again is mostly its cache).
    "render, service, new numbers": () =>
      post(`${documents.url}/trpc/render`, {
        template: "mushak-6.3",
        locale: "bn",
        data: invoice(`INV-R-${++m}`),
      }),
    "render, gateway": () =>
      post(`${gateway.url}/trpc/documents.render`, {
        template: "mushak-6.3",
        locale: "bn",
        data: invoice("INV-B-1"),
      }),
    "issue, gateway": () =>
      post(`${gateway.url}/trpc/documents.issue`, {
        template: "mushak-6.3",
        locale: "bn",
        data: invoice(`INV-B-${++n}`),
      }),
  };

  // Chromium: one browser, CONCURRENCY pages, each printing the invoice again and again.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const pages = await Promise.all(Array.from({ length: CONCURRENCY }, () => browser.newPage()));
  const html = await invoiceHtml("INV-B-1");
  const chromiumRun = async (seconds: number): Promise<LoadResult> => {
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const began = performance.now();
    await Promise.all(
      pages.map(async (page) => {
        while (performance.now() < deadline) {
          const started = performance.now();
          await page.setContent(html, { waitUntil: "load" });
          const pdf = await page.pdf({ format: "A4", printBackground: true });
          if (pdf.byteLength < 1000) {
            throw new Error("Chromium printed an empty PDF");
          }
          latencies.push(performance.now() - started);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return {
      requests: latencies.length,
      errors: 0,
      perSecond: latencies.length / ((performance.now() - began) / 1000),
      p50: at(0.5),
      p99: at(0.99),
    };
  };

  // BENCH_PATHS=issue,Chromium (substrings of the paths' names) runs only the matching paths.
  const only = process.env.BENCH_PATHS;
  const wanted = (name: string) => !only || only.split(",").some((part) => name.includes(part));
  // Warm-up: each path once (and checked), then a second of load.
  for (const [name, make] of Object.entries(scenarios).filter(([name]) => wanted(name))) {
    const res = await fetch(make());
    const body = await res.text();
    if (!res.ok || !body.includes("sha256")) {
      throw new Error(`warm-up of ${name} failed: ${res.status} ${body.slice(0, 500)}`);
    }
    await load(make, { concurrency: CONCURRENCY, seconds: 1 });
  }
  await chromiumRun(1);

  /** Typst's own share: the service's render histogram (compile + PDF export, per document). */
  const typstSeconds = async () => {
    const text = await (await fetch(`${documents.url}/metrics`)).text();
    const pick = (name: string) =>
      Number(
        new RegExp(`^${name}\\{[^}]*template="mushak-6\\.3"[^}]*\\} (\\S+)$`, "m").exec(text)?.[1] ??
          Number.NaN,
      );
    return {
      sum: pick("vextrus_document_generator_render_duration_seconds_sum"),
      count: pick("vextrus_document_generator_render_duration_seconds_count"),
    };
  };

  const names = [...Object.keys(scenarios), "Chromium (playwright-core)"].filter(wanted);
  const results: Record<string, LoadResult[]> = Object.fromEntries(names.map((name) => [name, []]));
  const typstMs: number[] = [];
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  /**
   * CPU per invoice of everything an invoice runs through: each service, this bench client, the
   * PostgreSQL backends connected to the bench's database, PostgreSQL's own processes (WAL writer,
   * checkpointer…: the cluster's, shared with whatever else runs), S3Proxy; and the whole machine
   * (/proc/stat, steal included), which on a quiet machine should be about their sum. No Kafka: without
   * KAFKA_BROKERS the events stay in the outbox; no master-data: the bench gives numbers itself.
   */
  const procs = { "doc-gen": documents, "file-storage": files, "rules-engine": rules, gateway };
  const counted = [...Object.keys(procs), "bench client", "pg backends", "pg own", "S3Proxy", "sum"];
  const cpuAll: Record<string, Record<string, number[]>> = Object.fromEntries(
    names.map((name) => [name, Object.fromEntries([...counted, "machine"].map((p) => [p, []]))]),
  );
  /** µs per PostgreSQL process: the bench database's backends, and the cluster's own processes. */
  const postgresCpu = async () => {
    const rows = await admin<{ pid: number; ours: boolean; own: boolean }[]>`
      select pid, datname = ${dbName} as ours, backend_type <> 'client backend' as own from pg_stat_activity`;
    const of = (pick: (row: { ours: boolean; own: boolean }) => boolean) =>
      new Map(rows.filter(pick).map((row) => [row.pid, cpuMicros(row.pid)]));
    return { backends: of((row) => row.ours), own: of((row) => row.own) };
  };
  /** CPU used between two snapshots of a set of processes; one that appeared in between counts whole. */
  const spent = (before: Map<number, number>, after: Map<number, number>) =>
    [...after].reduce((sum, [pid, us]) => sum + (Number.isNaN(us) ? 0 : us - (before.get(pid) ?? 0)), 0);
  const cpuNow = async () => ({
    each: Object.fromEntries([
      ...Object.entries(procs).map(([p, server]) => [p, cpuMicros(server.proc.pid)]),
      ["bench client", cpuMicros(process.pid)],
      ["S3Proxy", s3.pid ? cpuMicros(s3.pid) : Number.NaN],
    ]) as Record<string, number>,
    pg: await postgresCpu(),
    machine: machineBusyMs() * 1000,
  });
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names.map((_, i) => names[(i + round) % names.length] as string)) {
      const make = scenarios[name];
      const before = await typstSeconds();
      const cpuBefore = cpuMicros(documents.proc.pid);
      const allBefore = await cpuNow();
      const result = make
        ? await load(make, { concurrency: CONCURRENCY, seconds: SECONDS })
        : await chromiumRun(SECONDS);
      if (result.errors > 0) {
        throw new Error(`${name}: ${result.errors} failed requests`);
      }
      results[name]?.push(result);
      if (make) {
        const after = await typstSeconds();
        typstMs.push(((after.sum - before.sum) / (after.count - before.count)) * 1000);
        cpu[name]?.push((cpuMicros(documents.proc.pid) - cpuBefore) / result.requests / 1000);
        const allAfter = await cpuNow();
        const used: Record<string, number> = {
          ...Object.fromEntries(
            Object.keys(allAfter.each).map((p) => [p, (allAfter.each[p] ?? 0) - (allBefore.each[p] ?? 0)]),
          ),
          "pg backends": spent(allBefore.pg.backends, allAfter.pg.backends),
          "pg own": spent(allBefore.pg.own, allAfter.pg.own),
        };
        used.sum = Object.values(used).reduce((sum, us) => sum + (Number.isNaN(us) ? 0 : us), 0);
        used.machine = allAfter.machine - allBefore.machine;
        for (const [p, us] of Object.entries(used)) {
          cpuAll[name]?.[p]?.push(us / result.requests / 1000);
        }
      }
    }
  }

  const rate = (name: string) => median((results[name] ?? []).map((r) => r.perSecond));
  const chromiumRate = rate("Chromium (playwright-core)");
  console.log(
    `\nMushak-6.3, 8 lines, one A4 page, bn — ${ROUNDS} rounds × ${SECONDS} s, ${CONCURRENCY} concurrent, medians`,
  );
  console.table(
    names.map((name) => ({
      path: name,
      "invoices/s": rate(name).toFixed(1),
      "× Chromium": (rate(name) / chromiumRate).toFixed(1),
      "p50 ms": median((results[name] ?? []).map((r) => r.p50)).toFixed(1),
      "p99 ms": median((results[name] ?? []).map((r) => r.p99)).toFixed(1),
      "doc-gen CPU ms/invoice": cpu[name]?.length ? median(cpu[name] ?? []).toFixed(1) : "",
    })),
  );
  console.log(
    "CPU ms per invoice by process (medians of the rounds; sum = the processes counted, machine = /proc/stat," +
      " everything that ran; 2 cores at 100/s leave 20 ms):",
  );
  console.table(
    Object.keys(scenarios)
      .filter(wanted)
      .map((name) => ({
        path: name,
        ...Object.fromEntries(
          [...counted, "machine"].map((p) => [p, median(cpuAll[name]?.[p] ?? []).toFixed(1)]),
        ),
      })),
  );
  const compile = median(typstMs);
  console.log(
    `Typst inside the service (compile + PDF export per invoice, its render histogram): ${compile.toFixed(1)} ms` +
      ` → ${(1000 / compile).toFixed(0)} pages/s per worker (${(1000 / compile / chromiumRate).toFixed(0)}× Chromium's pages/s)`,
  );
  console.log(
    `Targets: rendering ≥ 10× Chromium → service ${(rate("render, service") / chromiumRate).toFixed(1)}×;` +
      ` issuing ≥ 100/s → ${rate("issue, gateway").toFixed(1)}/s`,
  );

  // Where an issue's time goes: the service's step histogram over the whole run (means, all paths).
  const metricsText = await (await fetch(`${documents.url}/metrics`)).text();
  const stepMean = (step: string) => {
    const pick = (what: string) =>
      Number(
        new RegExp(
          `^vextrus_document_generator_step_duration_seconds_${what}\\{[^}]*step="${step}"[^}]*\\} (\\S+)$`,
          "m",
        ).exec(metricsText)?.[1] ?? Number.NaN,
      );
    return (pick("sum") / pick("count")) * 1000;
  };
  console.log(
    `Steps, mean ms (look (letterhead and wording) and taxes run together): ${[
      "look",
      "taxes",
      "record",
      "store",
      "finish",
    ]
      .map((step) => `${step} ${stepMean(step).toFixed(1)}`)
      .join(", ")}; render ${compile.toFixed(1)}`,
  );

  await browser.close();
  for (const server of [gateway, documents, files, rules]) {
    server.proc.kill();
    await server.proc.exited;
  }
  await admin.unsafe(`drop database ${dbName} with (force)`).catch(() => {});
  await admin.end();
  // The S3Proxy (and PostgreSQL) this run may have started: otherwise the process never exits.
  await Promise.allSettled([pg.stop(), s3.stop()]);
}

await main();
