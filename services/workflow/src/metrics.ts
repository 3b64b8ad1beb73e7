import type { Database } from "@vextrus/platform/db";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { countPendingTasks } from "./domain/gauges.ts";

/** Business metrics of the workflow service, registered on the service's own registry. */
export function createWorkflowMetrics(registry: Registry, db: Database) {
  const processesStarted = new Counter({
    name: "vextrus_workflow_processes_started_total",
    help: "Processes started (and resubmitted rounds) by this process",
    registers: [registry],
  });
  const processesCompleted = new Counter({
    name: "vextrus_workflow_processes_completed_total",
    help: "Processes that reached an outcome in this process, by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const tasksPending = new Gauge({
    name: "vextrus_workflow_tasks_pending",
    help: "Tasks waiting for a decision now, across tenants",
    registers: [registry],
    async collect() {
      this.set(await countPendingTasks(db));
    },
  });
  const approvalLatency = new Histogram({
    name: "vextrus_workflow_approval_latency_seconds",
    help: "Time from a task becoming actionable to its decision, by decision",
    labelNames: ["decision"] as const,
    buckets: [1, 60, 600, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600],
    registers: [registry],
  });
  const tasksEscalated = new Counter({
    name: "vextrus_workflow_tasks_escalated_total",
    help: "Tasks moved up the chain after their SLA passed",
    registers: [registry],
  });
  return { processesStarted, processesCompleted, tasksPending, approvalLatency, tasksEscalated };
}

export type WorkflowMetrics = ReturnType<typeof createWorkflowMetrics>;
