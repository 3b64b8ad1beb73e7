import {
  AppError,
  createServiceClient,
  type Fetch,
  type Logger,
  type ServiceClient,
} from "@vextrus/platform";
import { type Database, rowsOf } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Credentials } from "../deps.ts";
import type { SchedulerMetrics } from "../metrics.ts";
import { type ClaimedRun, claimDue, planDue, takeTenant } from "./plan.ts";
import { type Outcome, recordOutcome, recordSuccesses } from "./record.ts";

export interface WorkerOptions {
  db: Database;
  clock: () => Date;
  log: Logger;
  metrics: SchedulerMetrics;
  /** Procedure targets are called here (the gateway), as `<service>.<procedure>`. */
  gatewayUrl: string;
  /** The gateway's fetch when it runs in-process (tests); the network otherwise. */
  fetch?: Fetch | undefined;
  credentials: Credentials;
  pollMs: number;
  /** Runs this replica executes at once. */
  concurrency: number;
  /** Runs of one tenant executing at once across every replica. */
  tenantConcurrency: number;
  /** A missed occurrence of a `catchUp: "none"` job still runs when it is this recent. */
  graceMs?: number;
  random?: () => number;
}

/** Tenants with due work looked at per tick; the rest wait for the next one. */
const TENANTS_PER_TICK = 500;
/** How long after a run finishes the replica claims again (runs finishing together share one pass). */
const WAKE_DELAY_MS = 2;

/**
 * One scheduler replica: every `pollMs` it finds tenants with due work, and for each, in one tenant
 * transaction, plans due occurrences and claims runs; it executes them outside any transaction and
 * records each outcome in a transaction of its own. Any number of replicas share one database.
 */
export function createWorker(options: WorkerOptions) {
  const { db, clock, log, metrics } = options;
  const random = options.random ?? Math.random;
  const graceMs = options.graceMs ?? Math.max(60_000, options.pollMs * 4);
  const inFlight = new Set<Promise<void>>();
  const clients = new Map<number, ServiceClient>();
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const gateway = (timeoutMs: number) => {
    let client = clients.get(timeoutMs);
    if (!client) {
      client = createServiceClient({
        service: "gateway",
        url: options.gatewayUrl,
        timeoutMs,
        fetch: options.fetch,
      });
      clients.set(timeoutMs, client);
    }
    return client;
  };

  async function execute(run: ClaimedRun): Promise<Outcome> {
    const { job } = run;
    if (job.target.kind === "event") {
      return { ok: true };
    }
    const target = job.target;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const authorization = `Bearer ${await options.credentials(run.tenantId, job.createdBy, job.permissions)}`;
      const ctx = { requestId: Bun.randomUUIDv7(), authorization };
      // The client aborts its request at the job's timeout; the race also bounds a fetch that
      // ignores the abort (an in-process app).
      const call = gateway(job.timeoutMs)[target.type](target.path, target.input ?? {}, z.unknown(), ctx);
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`UNAVAILABLE upstream.timeout: no answer within ${job.timeoutMs / 1000} s`)),
          job.timeoutMs,
        );
      });
      await Promise.race([call, deadline]);
      return { ok: true };
    } catch (error) {
      const text =
        error instanceof AppError
          ? `${error.kind} ${error.code}: ${error.message}`
          : error instanceof Error
            ? error.message
            : "failed";
      return { ok: false, error: text };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Successes waiting to be recorded, per tenant: recorded together in one transaction. */
  const succeeded = new Map<string, { runs: ClaimedRun[]; recorded: Promise<void> }>();

  /** Queues a success; resolves once the batch it joined is recorded (the next turn of the loop). */
  function recordSuccess(run: ClaimedRun): Promise<void> {
    let batch = succeeded.get(run.tenantId);
    if (!batch) {
      const runs: ClaimedRun[] = [];
      const recorded = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        succeeded.delete(run.tenantId);
        try {
          const n = await db.tenant(run.tenantId, (tx) => recordSuccesses(tx, runs, clock()));
          metrics.runsFinished.inc({ outcome: "succeeded" }, n);
        } catch (error) {
          // The leases run out and another claim runs them again.
          log.error("could not record runs", { runs: runs.length, error: String(error) });
        }
      });
      batch = { runs, recorded };
      succeeded.set(run.tenantId, batch);
    }
    batch.runs.push(run);
    return batch.recorded;
  }

  async function runOne(run: ClaimedRun) {
    const outcome = await execute(run);
    if (outcome.ok) {
      return recordSuccess(run);
    }
    try {
      const result = await db.tenant(run.tenantId, (tx) => recordOutcome(tx, run, outcome, clock(), random));
      if (result !== "lost") {
        metrics.runsFinished.inc({ outcome: result });
      }
      log.warn("job run failed", {
        jobId: run.jobId,
        runId: run.id,
        attempt: run.attempt,
        error: outcome.error,
      });
    } catch (error) {
      // The lease runs out and another claim runs it again.
      log.error("could not record a run", { runId: run.id, error: String(error) });
    }
  }

  /** Tenants with something due now, in random order so no tenant always goes first. */
  async function dueTenants(now: Date): Promise<string[]> {
    const at = now.toISOString();
    const result = await db.privileged((tx) =>
      tx.execute(sql`
        select tenant_id from scheduler.jobs where status = 'active' and next_run_at <= ${at}
        union
        select tenant_id from scheduler.runs
          where (status = 'pending' and due_at <= ${at}) or (status = 'running' and lease_until < ${at})
        limit ${TENANTS_PER_TICK}`),
    );
    const tenants = rowsOf<{ tenant_id: string }>(result).map((r) => r.tenant_id);
    for (let i = tenants.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [tenants[i], tenants[j]] = [tenants[j] as string, tenants[i] as string];
    }
    return tenants;
  }

  /**
   * Tenants with due work, served in turn. The list is read again when it runs out, or when `pollMs`
   * has passed (by the server's clock or in real time): finding due tenants reads every due row, so
   * it is done once per poll, not once per claim. A tenant that yields nothing leaves the list.
   */
  let candidates: string[] = [];
  let readAt = { clock: 0, real: 0 };
  async function tenantsInTurn(now: Date): Promise<string[]> {
    const stale =
      candidates.length === 0 ||
      Math.abs(now.getTime() - readAt.clock) >= options.pollMs ||
      performance.now() - readAt.real >= options.pollMs;
    if (stale) {
      candidates = await dueTenants(now);
      readAt = { clock: now.getTime(), real: performance.now() };
    }
    return [...candidates];
  }

  /** One pass: plans and claims what is due, starts it, and answers how many runs it started. */
  async function tick(): Promise<number> {
    const now = clock();
    let started = 0;
    for (const tenantId of await tenantsInTurn(now)) {
      const free = options.concurrency - inFlight.size;
      if (free <= 0 || stopped) {
        break;
      }
      const claimed = await db.tenant(tenantId, async (tx) => {
        if (!(await takeTenant(tx, tenantId))) {
          return undefined;
        }
        await planDue(tx, now, graceMs);
        return claimDue(tx, now, free, options.tenantConcurrency);
      });
      // Served (or empty): to the back of the line, or out of it. Held by another replica: stays.
      if (claimed !== undefined) {
        candidates = candidates.filter((t) => t !== tenantId);
        if (claimed.length > 0) {
          candidates.push(tenantId);
        }
      }
      for (const run of claimed ?? []) {
        metrics.lateness.observe(Math.max(0, now.getTime() - run.dueAt.getTime()) / 1000);
        const running = runOne(run).finally(() => {
          inFlight.delete(running);
          wakeSoon();
        });
        inFlight.add(running);
        started++;
      }
    }
    return started;
  }

  /** A finished run frees a slot: claim again shortly, once for the runs finishing together. */
  let soon: ReturnType<typeof setTimeout> | undefined;
  function wakeSoon() {
    soon ??= setTimeout(() => {
      soon = undefined;
      wake?.();
    }, WAKE_DELAY_MS);
  }

  async function forever() {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        log.error("scheduler tick failed", { error: String(error) });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    tick,
    /** Resolves when every run started so far has been recorded. */
    async drain() {
      while (inFlight.size > 0) {
        await Promise.all([...inFlight]);
      }
    },
    start() {
      loop ??= forever();
    },
    async stop() {
      stopped = true;
      clearTimeout(soon);
      wake?.();
      await loop;
      while (inFlight.size > 0) {
        await Promise.all([...inFlight]);
      }
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
