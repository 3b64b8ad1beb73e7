/**
 * `bun run bench:import`: 100,000 parties (10 columns) imported from an XLSX and from a CSV file —
 * stage (stream from file storage into staging rows), validate and preview (master-data's schema,
 * batch by batch), apply (master-data's rules and events, batch by batch) — side by side with
 * PostgreSQL `COPY` of the same rows, already canonical, into the same table (master_data.parties,
 * its search-terms trigger included): the floor. import-export runs in a process of its own, whose
 * peak RSS is sampled from /proc; auth, master-data and file-storage (on S3Proxy) run in this one.
 * Each import also prints the CPU time spent meanwhile by import-export, by this process and by the
 * PostgreSQL backends of the bench's databases (/proc): where the time goes, on a shared machine.
 * Upload time is not counted (the user's). BENCH_ROWS (100000), BENCH_ROUNDS (1) and BENCH_FORMATS (xlsx,csv) change the size;
 * rounds interleave XLSX, CSV and COPY, and medians are printed.
 */
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootAuth } from "@vextrus/auth/boot";
import { AuthEnv } from "@vextrus/auth/env";
import { bootFileStorage } from "@vextrus/file-storage/boot";
import { FileStorageEnv } from "@vextrus/file-storage/env";
import { bootMasterData } from "@vextrus/master-data/boot";
import { MasterDataEnv } from "@vextrus/master-data/env";
import { createLogger } from "@vextrus/platform";
import { createTestDatabase } from "@vextrus/platform/testing";
import ExcelJS from "exceljs";
import postgres from "postgres";
import superjson from "superjson";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { ensureS3, s3Env } from "../test-infra/s3proxy.ts";
import { median } from "./load.ts";
import { startServer } from "./servers.ts";

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
/** BENCH_FORMATS=csv measures one format only. */
const FORMATS = (process.env.BENCH_FORMATS ?? "xlsx,csv").split(",") as ("xlsx" | "csv")[];
const SECRET = "bench-import-service-token-secret-0123456789abcdef";
const HEADERS = [
  "Legal name",
  "Name in Bengali",
  "Kind",
  "Roles",
  "BIN",
  "Trade licence no.",
  "Mobiles",
  "Email",
  "Credit limit (BDT)",
  "Payment terms (days)",
];

/** Row i as a spreadsheet has it (Bengali digits in the mobile, lakh separators in the amount). */
function sheetRow(i: number, round: string): string[] {
  const bin = String(100_000_000 + i).padStart(9, "0");
  return [
    `Bench ${round} Builders ${i} Ltd`,
    `বেঞ্চ বিল্ডার্স ${i}`,
    i % 7 === 0 ? "individual" : "organisation",
    i % 3 === 0 ? "supplier;contractor" : "customer",
    `${bin}-0101`,
    `TRAD/DNCC/${i}/2024`,
    `01712${String(i % 1_000_000).padStart(6, "0")}`,
    `accounts${i}@bench.com.bd`,
    `${(i % 50) + 1},50,000.50`,
    String(i % 90),
  ];
}

/** The same row as master-data stores it (canonical), as a COPY text line. */
function copyLine(i: number, round: string, tenantId: string): string {
  const [name, nameBn, kind, roles, bin, licence, mobile, email, , terms] = sheetRow(i, round);
  const credit = `${(i % 50) + 1}50000.50`;
  const fields = [
    Bun.randomUUIDv7(),
    tenantId,
    kind,
    name,
    nameBn,
    `{${(roles ?? "").replace(";", ",")}}`,
    licence,
    (bin ?? "").replace("-", ""),
    `{+880${(mobile ?? "").slice(1)}}`,
    email,
    credit,
    terms,
  ];
  return `${fields.join("\t")}\n`;
}

async function writeCsv(path: string, round: string) {
  const sink = Bun.file(path).writer();
  sink.write(`${HEADERS.join(",")}\r\n`);
  for (let i = 1; i <= ROWS; i++) {
    sink.write(
      `${sheetRow(i, round)
        .map((c) => (c.includes(",") ? `"${c}"` : c))
        .join(",")}\r\n`,
    );
  }
  await sink.end();
}

async function writeXlsx(path: string, round: string) {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(path) });
  const sheet = book.addWorksheet("parties");
  sheet.addRow(HEADERS).commit();
  for (let i = 1; i <= ROWS; i++) {
    sheet.addRow(sheetRow(i, round)).commit();
  }
  sheet.commit();
  await book.commit();
}

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** A process's CPU time so far (user + system), in ms, from /proc (0 when it is gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return 0;
  }
}

const quiet = createLogger({ level: "error" });
const pg = await ensurePostgres();
const s3 = await ensureS3();
process.env.TEST_DATABASE_URL = pg.url;
Object.assign(process.env, s3Env(s3));

const dbs = await Promise.all(
  ["auth", "md", "files", "ie"].map((n) => createTestDatabase(`bench_import_${n}`)),
);
const [authDb, mdDb, filesDb, ieDb] = dbs as [
  (typeof dbs)[0],
  (typeof dbs)[0],
  (typeof dbs)[0],
  (typeof dbs)[0],
];
const auth = await bootAuth(
  {
    ...AuthEnv.parse({ DATABASE_URL: authDb.url, SERVICE_TOKEN_SECRET: SECRET, LOG_LEVEL: "error" }),
    PORT: 0,
  },
  { log: quiet },
);
const jwks = `${auth.url}/.well-known/jwks.json`;
const masterData = await bootMasterData(
  { ...MasterDataEnv.parse({ DATABASE_URL: mdDb.url, JWKS_URL: jwks, LOG_LEVEL: "error" }), PORT: 0 },
  { log: quiet },
);
const files = await bootFileStorage(
  {
    ...FileStorageEnv.parse({
      DATABASE_URL: filesDb.url,
      JWKS_URL: jwks,
      LOG_LEVEL: "error",
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: s3.accessKey,
      S3_SECRET_ACCESS_KEY: s3.secretKey,
      S3_BUCKET: `bench-import-${Bun.randomUUIDv7().slice(-8)}`,
      MASTER_DATA_URL: masterData.url,
    }),
    PORT: 0,
  },
  { log: quiet },
);
const ie = await startServer(
  "import-export",
  join(import.meta.dir, "../../services/import-export/src/main.ts"),
  {
    DATABASE_URL: ieDb.url,
    JWKS_URL: jwks,
    MASTER_DATA_URL: masterData.url,
    FILES_URL: files.url,
    AUTH_URL: auth.url,
    SERVICE_TOKEN_SECRET: SECRET,
    IMPORT_BATCH_ROWS: "1000",
    IMPORT_POLL_MS: "50",
    LOG_LEVEL: "warn",
  },
);
const superuser = postgres(mdDb.url, { max: 1, onnotice: () => {} });

const tokens = new Map<string, { token: string; until: number }>();

/**
 * A token for the tenant's bench user, kept for 30 s (they last a minute): polling minted one per
 * request before, and a loaded machine's auth answering one of them 500 (a PostgreSQL connect
 * timeout) ended the run. A failed mint is retried.
 */
async function token(tenantId: string): Promise<string> {
  const kept = tokens.get(tenantId);
  if (kept && kept.until > Date.now()) {
    return kept.token;
  }
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${auth.url}/service-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({
        tenantId,
        userId: tenantId,
        permissions: ["import-export:*", "master-data:*", "file-storage:*"],
        service: "import-export",
      }),
    }).catch(() => undefined);
    if (res?.ok) {
      const { token } = (await res.json()) as { token: string };
      tokens.set(tenantId, { token, until: Date.now() + 30_000 });
      return token;
    }
    await res?.body?.cancel();
    if (attempt >= 10) {
      throw new Error(`auth did not mint a token: ${res?.status ?? "no answer"}`);
    }
    await Bun.sleep(1_000);
  }
}

async function call(base: string, path: string, tenantId: string, input: unknown, mutation: boolean) {
  const body = JSON.stringify(superjson.serialize(input));
  const headers = { authorization: `Bearer ${await token(tenantId)}`, "content-type": "application/json" };
  const res = mutation
    ? await fetch(`${base}/trpc/${path}`, { method: "POST", headers, body })
    : await fetch(`${base}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers });
  const json = (await res.json()) as { result?: { data: unknown }; error?: unknown };
  if (!json.result) {
    throw new Error(`${path}: ${JSON.stringify(json.error)}`);
  }
  return superjson.deserialize(json.result.data as Parameters<typeof superjson.deserialize>[0]) as Record<
    string,
    unknown
  >;
}

async function upload(tenantId: string, path: string, name: string, contentType: string) {
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const granted = (await call(
    files.url,
    "createUpload",
    tenantId,
    { fileName: name, contentType, size: bytes.length, sha256 },
    true,
  )) as {
    file: { id: string };
    upload: { parts: { url: string; size: number; headers: Record<string, string> }[] };
  };
  let offset = 0;
  for (const part of granted.upload.parts) {
    const res = await fetch(part.url, {
      method: "PUT",
      headers: part.headers,
      body: bytes.slice(offset, offset + part.size),
    });
    offset += part.size;
    if (!res.ok) {
      throw new Error(`upload: ${res.status}`);
    }
  }
  await call(files.url, "completeUpload", tenantId, { fileId: granted.file.id }, true);
  return granted.file.id;
}

interface Result {
  seconds: number;
  previewSeconds: number;
  peakRssMb: number;
  /** CPU seconds spent meanwhile: import-export's process, this one (master-data, auth, files), PostgreSQL's backends. */
  cpu: { importExport: number; here: number; postgres: number };
}

/** The PostgreSQL backends serving the bench's databases (their pools keep them for the run). */
const backends = async () =>
  (await superuser`select pid from pg_stat_activity where datname = any(${dbs.map((d) => d.name)})`).map(
    (r) => Number(r.pid),
  );

async function importOnce(format: "csv" | "xlsx", round: string): Promise<Result> {
  const tenantId = Bun.randomUUIDv7();
  const path = join(tmpdir(), `bench-import-${round}.${format}`);
  // A file left by an interrupted run is removed first (Bun's file writer does not truncate it).
  rmSync(path, { force: true });
  await (format === "csv" ? writeCsv(path, round) : writeXlsx(path, round));
  const type =
    format === "csv" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  const fileId = await upload(tenantId, path, `parties.${format}`, type);
  rmSync(path, { force: true });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(ie.proc.pid));
  }, 100);
  const pgBefore = new Map((await backends()).map((pid) => [pid, cpuMs(pid)]));
  const ieBefore = cpuMs(ie.proc.pid);
  const hereBefore = process.cpuUsage();
  const begin = performance.now();
  const created = await call(
    ie.url,
    "imports.create",
    tenantId,
    { entity: "party", fileId, mode: "create" },
    true,
  );
  const id = String(created.id);
  const waitFor = async (status: string) => {
    for (;;) {
      const got = await call(ie.url, "imports.get", tenantId, { id }, false);
      if (got.status === "failed") {
        throw new Error(`import failed: ${got.error}`);
      }
      if (got.status === status) {
        return got;
      }
      await Bun.sleep(200);
    }
  };
  const ready = await waitFor("ready");
  const previewSeconds = (performance.now() - begin) / 1000;
  const preview = ready.preview as Record<string, number>;
  if (preview.create !== ROWS) {
    throw new Error(`preview: ${JSON.stringify(preview)}`);
  }
  await call(ie.url, "imports.commit", tenantId, { id, expectedVersion: ready.version }, true);
  await waitFor("applied");
  const seconds = (performance.now() - begin) / 1000;
  clearInterval(sampler);
  const here = process.cpuUsage(hereBefore);
  let postgresMs = 0;
  for (const pid of await backends()) {
    postgresMs += cpuMs(pid) - (pgBefore.get(pid) ?? 0);
  }
  const cpu = {
    importExport: (cpuMs(ie.proc.pid) - ieBefore) / 1000,
    here: (here.user + here.system) / 1e6,
    postgres: postgresMs / 1000,
  };
  const [row] =
    await superuser`select count(*)::int as n from master_data.parties where tenant_id = ${tenantId}`;
  if (row?.n !== ROWS) {
    throw new Error(`applied ${row?.n} parties, expected ${ROWS}`);
  }
  return { seconds, previewSeconds, peakRssMb: peak, cpu };
}

async function copyOnce(round: string): Promise<number> {
  const tenantId = Bun.randomUUIDv7();
  const begin = performance.now();
  const stream = await superuser`
    copy master_data.parties
      (id, tenant_id, kind, name, name_bn, roles, trade_licence_no, bin, mobiles, email, credit_limit, payment_terms_days)
    from stdin`.writable();
  let chunk = "";
  for (let i = 1; i <= ROWS; i++) {
    chunk += copyLine(i, round, tenantId);
    if (i % 5_000 === 0) {
      if (!stream.write(chunk)) {
        await new Promise((resolve) => stream.once("drain", resolve));
      }
      chunk = "";
    }
  }
  await new Promise<void>((resolve, reject) => {
    stream.end(chunk, () => resolve());
    stream.on("error", reject);
  });
  const seconds = (performance.now() - begin) / 1000;
  const [row] =
    await superuser`select count(*)::int as n from master_data.parties where tenant_id = ${tenantId}`;
  if (row?.n !== ROWS) {
    throw new Error(`COPY wrote ${row?.n} rows`);
  }
  return seconds;
}

const runs = { xlsx: [] as Result[], csv: [] as Result[], copy: [] as number[] };
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Each measurement printed as it is made: a failure later in a long run keeps the earlier ones.
    for (const format of FORMATS) {
      const result = await importOnce(format, `${format[0]}${r}`);
      runs[format].push(result);
      console.log(
        `${format}: ${result.seconds.toFixed(1)} s, preview ${result.previewSeconds.toFixed(1)} s, peak RSS ${Math.round(result.peakRssMb)} MB; CPU s: import-export ${result.cpu.importExport.toFixed(1)}, master-data+auth+files+bench ${result.cpu.here.toFixed(1)}, PostgreSQL backends ${result.cpu.postgres.toFixed(1)}`,
      );
    }
    runs.copy.push(await copyOnce(`p${r}`));
    console.log(`copy: ${(runs.copy.at(-1) ?? 0).toFixed(1)} s`);
    console.log(`round ${r + 1}/${ROUNDS} done`);
  }
  const copySeconds = median(runs.copy);
  const copyRate = ROWS / copySeconds;
  const line = (name: string, seconds: number, preview: string, rss: string) =>
    console.log(
      `${name.padEnd(34)} ${Math.round(ROWS / seconds)
        .toLocaleString("en")
        .padStart(
          9,
        )} rows/s  ${seconds.toFixed(1).padStart(7)} s  ${(ROWS / seconds / copyRate).toFixed(3).padStart(6)} of COPY  preview ${preview.padStart(7)}  peak RSS ${rss}`,
    );
  console.log(
    `\n${ROWS.toLocaleString("en")} parties, ${ROUNDS} round(s), medians (target ≥ 0.3 of COPY; preview < 30 s)`,
  );
  for (const format of FORMATS) {
    const list = runs[format];
    line(
      `import ${format.toUpperCase()} (stage+preview+apply)`,
      median(list.map((x) => x.seconds)),
      `${median(list.map((x) => x.previewSeconds)).toFixed(1)} s`,
      `${Math.round(median(list.map((x) => x.peakRssMb)))} MB`,
    );
  }
  line("PostgreSQL COPY (same rows)", copySeconds, "—", "—");
} finally {
  ie.proc.kill("SIGTERM");
  await ie.proc.exited;
  await superuser.end();
  for (const part of [...files.parts, ...masterData.parts, ...auth.parts]) {
    await Promise.race([part.stop(), Bun.sleep(1_000)]);
  }
  for (const db of dbs) {
    await db.drop();
  }
  await s3.stop();
  await pg.stop();
}
