import { readFileSync } from "node:fs";

/** A small HTTP load generator: `concurrency` keep-alive loops for `seconds`, latencies in ms. */
export interface LoadResult {
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export async function load(
  request: () => Request,
  options: { concurrency: number; seconds: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const res = await fetch(request());
        await res.arrayBuffer();
        if (res.ok) {
          latencies.push(performance.now() - started);
        } else {
          errors++;
        }
      } catch {
        errors++;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summarise(latencies, errors, (performance.now() - began) / 1000);
}

/**
 * Open-loop load: requests started at `rate` per second for `seconds` whatever the answers' speed, so
 * a slow answer does not hold back the next request (no coordinated omission). Each latency counts
 * from the moment its request was due, not from when a busy client got round to sending it.
 */
export async function paced(
  request: () => Request,
  options: { rate: number; seconds: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const interval = 1000 / options.rate;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const began = performance.now();
  const one = async (due: number) => {
    const wait = due - performance.now();
    if (wait > 0) {
      await Bun.sleep(wait);
    }
    try {
      const res = await fetch(request());
      await res.arrayBuffer();
      if (res.ok) {
        latencies.push(performance.now() - due);
      } else {
        errors++;
      }
    } catch {
      errors++;
    }
  };
  await Promise.all(Array.from({ length: total }, (_, i) => one(began + i * interval)));
  return summarise(latencies, errors, (performance.now() - began) / 1000);
}

function summarise(latencies: number[], errors: number, elapsedSeconds: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / elapsedSeconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * CPU time a process has used so far, in µs (user + system, all threads), from /proc: NaN where
 * there is no /proc. Deltas over a load run give CPU per request, steadier than throughput on a
 * shared machine.
 */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticksPerSecond = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time the whole machine has spent busy so far, in ms (every core, every process: user, nice,
 * system, irq, softirq, steal from /proc/stat), NaN where there is no /proc. On a quiet machine the
 * delta over a run is what the run cost everything it touched (servers, PostgreSQL, the client).
 */
export function machineBusyMs(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = (
      readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? ""
    )
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce((n: number, t) => n + (t ?? 0), 0);
    return ticks * 10; // USER_HZ is 100 on Linux: a tick is 10 ms
  } catch {
    return Number.NaN;
  }
}
