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
import { type Outcome, recordOutcome } from "./record.ts";

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

  async function runOne(run: ClaimedRun) {
    const outcome = await execute(run);
    try {
      const result = await db.tenant(run.tenantId, (tx) => recordOutcome(tx, run, outcome, clock(), random));
      if (result !== "lost") {
        metrics.runsFinished.inc({ outcome: result });
      }
      if (!outcome.ok) {
        log.warn("job run failed", {
          jobId: run.jobId,
          runId: run.id,
          attempt: run.attempt,
          error: outcome.error,
        });
      }
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

  /** One pass: plans and claims what is due, starts it, and answers how many runs it started. */
  async function tick(): Promise<number> {
    const now = clock();
    let started = 0;
    for (const tenantId of await dueTenants(now)) {
      const free = options.concurrency - inFlight.size;
      if (free <= 0 || stopped) {
        break;
      }
      const claimed = await db.tenant(tenantId, async (tx) => {
        if (!(await takeTenant(tx, tenantId))) {
          return [];
        }
        await planDue(tx, now, graceMs);
        return claimDue(tx, now, free, options.tenantConcurrency);
      });
      for (const run of claimed) {
        metrics.lateness.observe(Math.max(0, now.getTime() - run.dueAt.getTime()) / 1000);
        const running = runOne(run).finally(() => {
          inFlight.delete(running);
          wake?.();
        });
        inFlight.add(running);
        started++;
      }
    }
    return started;
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
      wake?.();
      await loop;
      while (inFlight.size > 0) {
        await Promise.all([...inFlight]);
      }
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
