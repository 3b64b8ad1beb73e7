import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { queueGauges } from "./domain/gauges.ts";

/** Business metrics of the scheduler (no tenant ids as labels). */
export function createSchedulerMetrics(registry: Registry, db: Database, clock: () => Date) {
  const runsFinished = new Counter({
    name: "vextrus_scheduler_runs_total",
    help: "Run attempts finished by this process, by outcome (succeeded, failed, dead)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const lateness = new Histogram({
    name: "vextrus_scheduler_run_lateness_seconds",
    help: "Start of a run minus the time it was due",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
    registers: [registry],
  });
  const gauge = (name: string, help: string, pick: (g: Awaited<ReturnType<typeof queueGauges>>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(pick(await queueGauges(db, clock())));
      },
    });
  gauge("vextrus_scheduler_runs_due", "Runs due now and not started", (g) => g.due);
  gauge("vextrus_scheduler_runs_running", "Runs executing now", (g) => g.running);
  gauge("vextrus_scheduler_runs_dead", "Runs that failed every attempt (dead-lettered)", (g) => g.dead);
  gauge(
    "vextrus_scheduler_lag_seconds",
    "How far the oldest due run is behind its schedule",
    (g) => g.lagSeconds,
  );
  return { runsFinished, lateness };
}

export type SchedulerMetrics = ReturnType<typeof createSchedulerMetrics>;
