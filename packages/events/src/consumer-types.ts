import type { Logger } from "@vextrus/platform";
import type { Database, Tx } from "@vextrus/platform/db";
import type { CloudEvent } from "./envelope.ts";
import type { MetricRegistry } from "./metrics.ts";
import type { InboxTable } from "./outbox.ts";
import type { DeliveredMessage, Transport } from "./transport.ts";

export interface HandlerContext {
  /** The tenant transaction (app role, row-level security on): the inbox rows commit with it. */
  tx: Tx;
  tenantId: string;
  /**
   * Events of this tenant in delivery order: with an inbox, only those this consumer has not applied
   * yet; without one, all of them (the handler skips what it has seen).
   */
  events: readonly CloudEvent[];
  log: Logger;
}

/** Applies events of one tenant inside one transaction; throwing rolls all of them back. */
export type BatchHandler = (ctx: HandlerContext) => Promise<void>;

/**
 * For a handler whose own rows are keyed by event id (the audit log): it skips events it has
 * recorded before and returns the ids it applied now, so no inbox row is needed.
 */
export type DedupingBatchHandler = (ctx: HandlerContext) => Promise<ReadonlySet<string>>;

/** How redelivered events are recognised: the service's inbox table, or the handler itself. */
export type Dedupe =
  | { inbox: InboxTable; handle: BatchHandler }
  | { inbox?: undefined; handle: DedupingBatchHandler };

export type ConsumerOptions = Dedupe & {
  /** The consumer's name: its inbox rows and, by default, its group (`vextrus.<name>`). */
  name: string;
  group?: string;
  topics: readonly string[];
  db: Database;
  transport: Transport;
  log: Logger;
  registry?: MetricRegistry;
  /** Failed attempts before an event goes to its DLQ (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 200 ms). */
  retryBaseMs?: number;
  /** Tenants of one batch handled in parallel (default 4). */
  tenantConcurrency?: number;
  /** Inbox rows older than this are pruned (default 45 days: longer than any DLQ is kept). */
  inboxRetentionMs?: number;
  /**
   * A tenant transaction that has not settled after this long counts as an infrastructure failure
   * and is retried (default 30 s). A connection the database accepted and then dropped can leave a
   * pool waiting forever; the inbox (or a deduping handler) makes a late commit of the abandoned
   * attempt harmless.
   */
  applyTimeoutMs?: number;
};

export interface Consumer {
  readonly group: string;
  stop(): Promise<void>;
}

/** A delivered message with the event decoded from it. */
export interface Item {
  message: DeliveredMessage;
  event: CloudEvent;
}
