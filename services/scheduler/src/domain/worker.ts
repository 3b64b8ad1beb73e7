import {
  AppError,
  createServiceClient,
  type Fetch,
  type Logger,
  type ServiceClient,
} from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { z } from "zod";
import type { Credentials } from "../deps.ts";
import type { SchedulerMetrics } from "../metrics.ts";
import { beforeClaim, type ClaimedRun, claimDue, type NextDue } from "./claim.ts";
import { dueJobs, planRuns } from "./plan.ts";
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
  /** The longest a replica waits between passes (jobs made or freed elsewhere are seen by then). */
  pollMs: number;
  /** Runs this replica executes at once. */
  concurrency: number;
  /** Runs of one tenant executing at once across every replica. */
  tenantConcurrency: number;
  /** A missed occurrence of a `catchUp: "none"` job still runs when it is this recent. */
  graceMs?: number;
  random?: () => number;
}

/** After a run finishes, how long the replica waits to record and claim (runs finishing together share one pass). */
const WAKE_DELAY_MS = 2;
/** The shortest wait for work falling due (a steady stream is claimed in batches, not one by one). */
const MIN_GAP_MS = 10;
/** How soon a replica looks again at due runs it could not take (tenants at quota on other replicas). */
const BACKLOG_RETRY_MS = 25;
const FIRST_TENANT = "00000000-0000-0000-0000-000000000000";

/**
 * One scheduler replica. A pass is one privileged transaction over every tenant's runs (the
 * scheduler's own tables; the target runs as the job's tenant): it records the successes finished
 * since the last pass, plans due occurrences into runs, and claims due runs in one statement (each
 * tenant's quota across replicas, FOR UPDATE SKIP LOCKED, under per-tenant claim locks that other
 * replicas skip, so replicas claim at once from different tenants). Targets
 * run outside any transaction; a failure is recorded in a tenant transaction of its own. The next
 * pass comes when a run finishes (a slot is free), when the claim says more work falls due, and at
 * the latest after `pollMs` (jobs made on another replica). Any number of replicas share one database.
 */
export function createWorker(options: WorkerOptions) {
  const { db, clock, log, metrics } = options;
  const random = options.random ?? Math.random;
  const graceMs = options.graceMs ?? Math.max(60_000, options.pollMs * 4);
  /** Runs executing (one slot each), with the recording of a failure. */
  const inFlight = new Set<Promise<void>>();
  /** Succeeded runs the next pass records. */
  let succeeded: ClaimedRun[] = [];
  const clients = new Map<number, ServiceClient>();
  let stopped = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** A run finished while no one waited: the loop passes again at once. */
  let wakeMissed = false;
  /** What the last claim saw of the work to come; when jobs were last planned; where claims go on. */
  let next: NextDue | undefined;
  let plannedAt = { clock: Number.NEGATIVE_INFINITY, real: Number.NEGATIVE_INFINITY };
  let fromTenant = FIRST_TENANT;
  /** Passes run one at a time. */
  let serial: Promise<unknown> = Promise.resolve();

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
    if (outcome.ok) {
      succeeded.push(run);
      return;
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

  /** Jobs are planned when the last claim saw one due, and at least every `pollMs` (clock or real time). */
  function planningDue(now: Date): boolean {
    const at = now.getTime();
    return (
      (next?.job !== null && next?.job !== undefined && next.job.getTime() <= at) ||
      Math.abs(at - plannedAt.clock) >= options.pollMs ||
      performance.now() - plannedAt.real >= options.pollMs
    );
  }

  /**
   * One pass (`claim` false: only records the successes waiting). Answers how many runs it started
   * and how long the loop may wait before the next pass.
   */
  async function pass(claim: boolean): Promise<{ started: number; waitMs: number }> {
    const now = clock();
    const free = claim && !stopped ? options.concurrency - inFlight.size : 0;
    const plan = free > 0 && planningDue(now);
    const done = succeeded;
    succeeded = [];
    wakeMissed = false;
    if (free <= 0 && done.length === 0) {
      return { started: 0, waitMs: options.pollMs };
    }
    let outcome: Awaited<ReturnType<typeof passTransaction>>;
    try {
      outcome = await passTransaction(now, done, plan, free);
    } catch (error) {
      succeeded = [...done, ...succeeded];
      throw error;
    }
    metrics.runsFinished.inc({ outcome: "succeeded" }, outcome.recorded);
    if (plan) {
      plannedAt = { clock: now.getTime(), real: performance.now() };
    }
    if (!outcome.claim) {
      return { started: 0, waitMs: options.pollMs };
    }
    const { claimed } = outcome.claim;
    next = outcome.claim.next;
    // The next claim goes on from the last tenant served (past 500 tenants with due work, in turns).
    fromTenant = claimed.at(-1)?.tenantId ?? FIRST_TENANT;
    for (const run of claimed) {
      metrics.lateness.observe(Math.max(0, now.getTime() - run.dueAt.getTime()) / 1000);
      const running = runOne(run).finally(() => {
        inFlight.delete(running);
        wakeSoon();
      });
      inFlight.add(running);
    }
    return { started: claimed.length, waitMs: waitAfter(now, free, claimed.length, next) };
  }

  function passTransaction(now: Date, done: ClaimedRun[], plan: boolean, free: number) {
    return db.privileged(async (tx) => {
      const due = plan ? await dueJobs(tx, now) : [];
      // One round trip: each statement is sent as it is made, in this order, before any answer is
      // awaited — the planned runs and the successes first (the claim sees them), then the leases
      // taken back, then the claim (its tenants' locks, then a statement whose snapshot follows them).
      const planning = planRuns(tx, due, now, graceMs);
      const recording = recordSuccesses(tx, done, now);
      const claiming =
        free > 0
          ? [
              ...beforeClaim(tx, now),
              claimDue(tx, { now, limit: free, tenantQuota: options.tenantConcurrency, from: fromTenant }),
            ]
          : [];
      const [recorded, claim] = await Promise.all([
        recording,
        claiming.at(-1) as Promise<Awaited<ReturnType<typeof claimDue>>> | undefined,
        ...planning,
        ...claiming,
      ]);
      return { recorded, claim };
    });
  }

  /** How long to wait after a claim: a finishing run wakes the loop sooner. */
  function waitAfter(now: Date, free: number, started: number, seen: NextDue): number {
    if (started >= free) {
      return options.pollMs;
    }
    const at = now.getTime();
    if (seen.job && seen.job.getTime() <= at) {
      return MIN_GAP_MS;
    }
    if (seen.backlog) {
      return BACKLOG_RETRY_MS;
    }
    const soonest = Math.min(
      ...[seen.job, seen.run, seen.lease].flatMap((d) => (d ? [d.getTime() - at] : [])),
      options.pollMs,
    );
    return Math.min(options.pollMs, Math.max(MIN_GAP_MS, soonest));
  }

  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const result = serial.then(fn);
    serial = result.catch(() => undefined);
    return result;
  }

  /** A finished run frees a slot: pass again shortly, once for the runs finishing together. */
  let soon: ReturnType<typeof setTimeout> | undefined;
  function wakeSoon() {
    soon ??= setTimeout(() => {
      soon = undefined;
      if (wake) {
        wake();
      } else {
        wakeMissed = true;
      }
    }, WAKE_DELAY_MS);
  }

  async function forever() {
    while (!stopped) {
      let waitMs = options.pollMs;
      try {
        waitMs = (await serially(() => pass(true))).waitMs;
      } catch (error) {
        log.error("scheduler pass failed", { error: String(error) });
      }
      if (wakeMissed || stopped) {
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  /** Waits for every run executing, then records what succeeded. */
  async function drain() {
    for (;;) {
      while (inFlight.size > 0) {
        await Promise.all([...inFlight]);
      }
      if (succeeded.length === 0) {
        return;
      }
      await serially(() => pass(false));
    }
  }

  return {
    /** One pass: records, plans and claims; answers how many runs it started. */
    tick: () => serially(() => pass(true)).then((r) => r.started),
    /** Resolves when every run started so far has been recorded. */
    drain,
    start() {
      loop ??= forever();
    },
    async stop() {
      stopped = true;
      clearTimeout(soon);
      wake?.();
      await loop;
      await drain();
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
