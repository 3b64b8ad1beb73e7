import { perEvent, startConsumer, type Transport } from "@vextrus/events";
import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { inbox } from "./db/schema.ts";
import { ensurePlatformJobs } from "./domain/platform-jobs.ts";

/**
 * What the scheduler publishes: vextrus.scheduler.job (outbox). What it consumes: organization's new
 * tenants, each of which gets the platform jobs (e.g. escalating overdue approvals every 5 minutes).
 */
export async function startSchedulerEvents(options: {
  db: Database;
  transport: Transport;
  log: Logger;
  clock: () => Date;
  registry?: Registry;
}): Promise<Stoppable[]> {
  const consumer = await startConsumer({
    name: "scheduler",
    topics: ["vextrus.organization.tenant"],
    db: options.db,
    inbox,
    transport: options.transport,
    handle: perEvent({
      "vextrus.organization.tenant.created": async ({ tx, event }) => {
        await ensurePlatformJobs(tx, event.tenantid, options.clock());
      },
    }),
    log: options.log,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  return [{ name: "tenant consumer", stop: () => consumer.stop() }];
}
