/**
 * `bun run bench:files`: upload + complete + download of 1,000 files of 256 KB and 10 files of 50 MB
 * through the file-storage service's presigned URLs against S3Proxy, side by side with the same
 * transfers made directly with the S3 client (aws4fetch: PUT, then GET) — the floor. MB/s counts
 * each file's bytes once (it goes up and comes back); p99 is per file, end to end. The service runs
 * in a process of its own (`bun services/file-storage/src/main.ts`): its peak RSS is sampled from
 * /proc during each workload. Rounds alternate the two paths; medians are reported. The whole
 * machine's busy CPU per file (/proc/stat: service, S3Proxy, PostgreSQL, this client) is reported for
 * both paths: on a quiet machine where both are CPU-bound, floor CPU / service CPU is the highest
 * ratio the service path can reach here.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createTestSigner } from "@vextrus/platform/testing";
import { AwsClient } from "aws4fetch";
import postgres from "postgres";
import superjson from "superjson";
import { ensurePostgres } from "../test-infra/postgres.ts";
import { ensureS3 } from "../test-infra/s3proxy.ts";
import { machineBusyMs, median } from "./load.ts";
import { startServer } from "./servers.ts";

const KB = 1024;
const MB = 1024 * KB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CORES = availableParallelism();
const WORKLOADS = [
  { name: "1,000 × 256 KB", count: 1_000, size: 256 * KB, concurrency: 8 },
  { name: "10 × 50 MB", count: 10, size: 50 * MB, concurrency: 2 },
];

interface Part {
  url: string;
  size: number;
  headers: Record<string, string>;
}

interface Run {
  seconds: number;
  latencies: number[];
  peakRssMb: number;
  /** CPU time (user + system) the service process spent, in ms: what a file costs it, whatever the load. */
  serviceCpuMs: number;
  /** CPU time the whole machine spent busy (every process, every core), in ms. */
  machineCpuMs: number;
}

/** CPU time of `pid` so far (utime + stime from /proc, ms), NaN where there is no /proc. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // After "pid (comm) ": state is field 0, utime 11, stime 12 (clock ticks of 10 ms).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of `pid` in MB (VmRSS), NaN where there is no /proc. */
function rssMb(pid: number): number {
  try {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return Number(line?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** A file's bytes: one shared body with its index written after a PDF header (unique SHA-256 each). */
function bodyFor(template: Uint8Array, index: number, round: number): Uint8Array<ArrayBuffer> {
  const bytes = template.slice();
  bytes.set(new TextEncoder().encode(`%PDF-1.7\n% ${round}-${index}-${Bun.randomUUIDv7()}\n`));
  return bytes;
}

/** Reads a response body to the end without keeping it; returns its length. */
async function drain(res: Response): Promise<number> {
  let n = 0;
  for await (const chunk of res.body ?? new ReadableStream<Uint8Array>()) {
    n += chunk.length;
  }
  return n;
}

async function run(
  count: number,
  concurrency: number,
  one: (index: number) => Promise<void>,
  servicePid?: number,
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let peak = servicePid ? rssMb(servicePid) : Number.NaN;
  const sampler = servicePid
    ? setInterval(() => {
        peak = Math.max(peak, rssMb(servicePid));
      }, 25)
    : undefined;
  const began = performance.now();
  const cpuBefore = servicePid ? cpuMs(servicePid) : Number.NaN;
  const machineBefore = machineBusyMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const started = performance.now();
        await one(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  clearInterval(sampler);
  const serviceCpuMs = servicePid ? cpuMs(servicePid) - cpuBefore : Number.NaN;
  const machineCpuMs = machineBusyMs() - machineBefore;
  return { seconds, latencies: latencies.sort((a, b) => a - b), peakRssMb: peak, serviceCpuMs, machineCpuMs };
}

const p99 = (sorted: number[]) => sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0;

async function main() {
  const [pg, s3] = await Promise.all([ensurePostgres(), ensureS3()]);
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const dbName = `vx_bench_files_${Date.now()}`;
  await admin.unsafe(`create database ${dbName}`);
  const dbUrl = new URL(pg.url);
  dbUrl.pathname = `/${dbName}`;
  const signer = await createTestSigner();
  const bucket = `bench-${Date.now()}`;
  const server = await startServer("file-storage", "services/file-storage/src/main.ts", {
    DATABASE_URL: dbUrl.toString(),
    JWT_PUBLIC_KEY: signer.publicKey,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKey,
    S3_SECRET_ACCESS_KEY: s3.secretKey,
    S3_BUCKET: bucket,
    TENANT_QUOTA_BYTES: String(1024 * 1024 * MB),
  });
  const pid = server.proc.pid;
  const token = await signer.sign({
    tenantId: crypto.randomUUID(),
    permissions: ["file-storage:*"],
    expiresIn: "2h",
  });
  const aws = new AwsClient({
    accessKeyId: s3.accessKey,
    secretAccessKey: s3.secretKey,
    service: "s3",
    region: "us-east-1",
    retries: 0,
  });
  const trpc = async <T>(path: string, input: unknown, mutation: boolean): Promise<T> => {
    const body = JSON.stringify(superjson.serialize(input));
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const res = mutation
      ? await fetch(`${server.url}/trpc/${path}`, { method: "POST", headers, body })
      : await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(body)}`, { headers });
    const json = (await res.json()) as { result?: { data: never }; error?: unknown };
    if (!json.result) {
      throw new Error(`${path} → ${res.status} ${JSON.stringify(json.error).slice(0, 300)}`);
    }
    return superjson.deserialize<T>(json.result.data);
  };

  /** Where a file's time goes on the service path, per step (ms), for the last workload run. */
  let steps: Record<string, number[]> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      steps[name] = [...(steps[name] ?? []), performance.now() - started];
    }
  };

  /** The service's way: createUpload → PUT part(s) → completeUpload (with its download link) → GET. */
  const viaService = async (bytes: Uint8Array<ArrayBuffer>) => {
    const sha256 = await step("sha256", async () =>
      new Bun.CryptoHasher("sha256").update(bytes).digest("hex"),
    );
    const granted = await step("createUpload", () =>
      trpc<{ file: { id: string }; upload: { parts: Part[] } }>(
        "createUpload",
        { fileName: "বিল অব কোয়ান্টিটিজ.pdf", contentType: "application/pdf", size: bytes.length, sha256 },
        true,
      ),
    );
    let offset = 0;
    for (const part of granted.upload.parts) {
      const put = await step("PUT", () =>
        fetch(part.url, {
          method: "PUT",
          body: bytes.subarray(offset, offset + part.size),
          headers: part.headers,
        }),
      );
      await put.body?.cancel();
      if (!put.ok) {
        throw new Error(`PUT → ${put.status}`);
      }
      offset += part.size;
    }
    // completeUpload answers the download link too (download: true), as files.downloadUrl would.
    const done = await step("completeUpload", () =>
      trpc<{ download?: { url: string } }>(
        "completeUpload",
        { fileId: granted.file.id, download: true },
        true,
      ),
    );
    const link = done.download?.url;
    if (!link) {
      throw new Error("completeUpload answered no download link");
    }
    const got = await step("GET", async () => drain(await fetch(link)));
    if (got !== bytes.length) {
      throw new Error(`downloaded ${got} of ${bytes.length} bytes`);
    }
  };

  /** The floor: the same bytes PUT and GET straight to S3 with the client. */
  const direct = async (bytes: Uint8Array<ArrayBuffer>) => {
    const url = `${s3.endpoint}/${bucket}/direct/${Bun.randomUUIDv7()}`;
    const put = await aws.fetch(url, { method: "PUT", body: bytes });
    await put.body?.cancel();
    if (!put.ok) {
      throw new Error(`direct PUT → ${put.status}`);
    }
    const got = await drain(await aws.fetch(url));
    if (got !== bytes.length) {
      throw new Error(`downloaded ${got} of ${bytes.length} bytes`);
    }
  };

  try {
    const rows: Record<string, string | number>[] = [];
    const stepRows: Record<string, string>[] = [];
    const ceilings: string[] = [];
    const idleRss = rssMb(pid);
    for (const workload of WORKLOADS) {
      const template = new Uint8Array(workload.size);
      crypto.getRandomValues(template.subarray(0, Math.min(workload.size, 65_536)));
      const results: Record<"service" | "direct", Run[]> = { service: [], direct: [] };
      steps = {};
      for (let round = 0; round < ROUNDS; round++) {
        const bodies = (i: number) => bodyFor(template, i, round);
        results.service.push(
          await run(workload.count, workload.concurrency, (i) => viaService(bodies(i)), pid),
        );
        results.direct.push(await run(workload.count, workload.concurrency, (i) => direct(bodies(i))));
      }
      stepRows.push({
        workload: workload.name,
        ...Object.fromEntries(
          Object.entries(steps).map(([name, ms]) => [`${name} p50 ms`, median(ms).toFixed(1)]),
        ),
      });
      const mbps = (r: Run) => (workload.count * workload.size) / MB / r.seconds;
      const floor = median(results.direct.map(mbps));
      const machinePerFile = (runs: Run[]) => median(runs.map((r) => r.machineCpuMs / workload.count));
      const busy = (runs: Run[]) => median(runs.map((r) => r.machineCpuMs / 1000 / r.seconds / CORES));
      ceilings.push(
        `${workload.name}: the whole machine spent ${machinePerFile(results.service).toFixed(2)} ms of CPU per file on the service path ` +
          `(cores ${(100 * busy(results.service)).toFixed(0)}% busy) and ${machinePerFile(results.direct).toFixed(2)} ms direct ` +
          `(${(100 * busy(results.direct)).toFixed(0)}% busy): where both paths are CPU-bound, the service path can reach at most ` +
          `${(machinePerFile(results.direct) / machinePerFile(results.service)).toFixed(2)} of the floor on this machine`,
      );
      for (const [path, runs] of Object.entries(results)) {
        const rate = median(runs.map(mbps));
        rows.push({
          workload: workload.name,
          path: path === "service" ? "file-storage (presigned)" : "S3 client direct (floor)",
          "MB/s": rate.toFixed(1),
          "of floor": (rate / floor).toFixed(2),
          "p50 ms": median(runs.map((r) => r.latencies[Math.floor(r.latencies.length / 2)] ?? 0)).toFixed(1),
          "p99 ms": median(runs.map((r) => p99(r.latencies))).toFixed(1),
          "service peak RSS MB":
            path === "service" ? Math.max(...runs.map((r) => r.peakRssMb)).toFixed(0) : "",
          "service CPU ms/file":
            path === "service" ? median(runs.map((r) => r.serviceCpuMs / workload.count)).toFixed(2) : "",
          "machine CPU ms/file": machinePerFile(runs).toFixed(2),
        });
      }
    }
    console.log(`load average at the end: ${readFileSync("/proc/loadavg", "utf8").trim()}`);
    console.log(
      `\nbench:files — upload + complete + download through presigned URLs vs the S3 client, S3Proxy, ${ROUNDS} rounds, medians`,
    );
    console.table(rows);
    console.log("where a file's time goes on the service path (each step's median, ms):");
    console.table(stepRows);
    console.log(`file-storage RSS when idle after boot: ${idleRss.toFixed(0)} MB`);
    console.log(`CPU budget (whole machine, ${CORES} cores; meaningful on a quiet machine only):`);
    for (const line of ceilings) {
      console.log(`  ${line}`);
    }
  } finally {
    server.proc.kill("SIGTERM");
    await server.proc.exited;
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    await Promise.allSettled([pg.stop(), s3.stop()]);
  }
}

await main();
