import { type Consumer, startConsumer, type Transport, topicsConsumedBy } from "@vextrus/events";
import type { Logger } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Registry } from "prom-client";
import { appendToChain } from "./domain/record.ts";
import type { AuditMetrics } from "./metrics.ts";

/** The audit service listens to every topic of the catalog. */
export const AUDIT_TOPICS = topicsConsumedBy("audit");

export interface AuditConsumerOptions {
  db: Database;
  transport: Transport;
  log: Logger;
  registry: Registry;
  metrics: AuditMetrics;
  /** Defaults to `vextrus.audit`; tests use their own group. */
  group?: string;
  topics?: readonly string[];
  maxAttempts?: number;
  retryBaseMs?: number;
  applyTimeoutMs?: number;
}

/** Appends each tenant's events to its chain, in one tenant transaction per tenant and batch. */
export function startAuditConsumer(options: AuditConsumerOptions): Promise<Consumer> {
  return startConsumer({
    name: "audit",
    group: options.group,
    topics: options.topics ?? AUDIT_TOPICS,
    db: options.db,
    transport: options.transport,
    log: options.log,
    registry: options.registry,
    maxAttempts: options.maxAttempts,
    retryBaseMs: options.retryBaseMs,
    applyTimeoutMs: options.applyTimeoutMs,
    tenantConcurrency: 4,
    // No inbox: the log's unique (tenant, event id) already recognises a redelivered event.
    handle: async ({ tx, tenantId, events }) => {
      const added = await appendToChain(tx, tenantId, events);
      options.metrics.recorded.inc(added.size);
      return added;
    },
  });
}
