import type { Logger } from "@vextrus/platform";
import { type Database, rowsOf, type Tx } from "@vextrus/platform/db";
import { sql } from "drizzle-orm";
import { cloudEventHeaders } from "./envelope.ts";
import { backoffMs, describeError, sleep } from "./errors.ts";
import type { Listener } from "./listen.ts";
import { eventMetrics, type MetricRegistry, registerCollectedGauge } from "./metrics.ts";
import { type OutboxTable, outboxChannel } from "./outbox.ts";
import type { Publisher } from "./transport.ts";
import { onOutboxCommit } from "./wake.ts";

export interface RelayOptions {
  db: Database;
  outbox: OutboxTable;
  publisher: Publisher;
  log: Logger;
  registry?: MetricRegistry;
  /**
   * Wakes the relay on a NOTIFY on the outbox's channel. Events written in this process wake it
   * after their commit without one (wake.ts); nothing in the tree sends a NOTIFY any more, and a
   * relay elsewhere finds another process's rows by its poll. Kept for writers that still notify
   * (an older replica during a rolling deploy).
   */
  listen?: Listener;
  /** Rows per publish (default 500). */
  batchSize?: number;
  /**
   * Poll interval when idle (default 250 ms): the longest an event waits when no wake-up reaches this
   * relay (rows of another process, or of a writer that crashed before its relay sent them).
   */
  pollMs?: number;
  /** How long stop() waits for a publish in flight before abandoning it (default 5 s). */
  stopGraceMs?: number;
  /**
   * Batches in flight at once (PostgreSQL with Kafka only; default 2): one locks and marks rows while
   * another waits for the broker. Safe for the same reasons several instances are. Always 1 on PGlite
   * or with the in-process bus.
   */
  concurrency?: number;
}

export interface Relay {
  stop(): Promise<void>;
  /** Unsent rows right now. */
  backlog(): Promise<number>;
  /** Resolves once the outbox has no unsent rows (tests and orderly shutdowns). */
  drained(timeoutMs: number): Promise<boolean>;
}

interface PendingRow {
  id: string;
  topic: string;
  key: string;
  event: string;
}

/**
 * Locks a batch of unsent rows (rows another relay instance holds are skipped), then keeps only
 * those whose key has no earlier unsent row outside the batch: an instance never overtakes another
 * on the same key, so every key is published in outbox order.
 */
async function lockBatch(tx: Tx, outbox: OutboxTable, limit: number): Promise<PendingRow[]> {
  const result = await tx.execute(sql`
    with batch as (
      select id from ${outbox} where sent_at is null order by id limit ${limit} for update skip locked
    )
    select o.id, o.topic, o.key, o.event::text as event
    from ${outbox} o
    where o.id in (select id from batch)
      and not exists (
        select 1 from ${outbox} e
        where e.sent_at is null and e.key = o.key and e.id < o.id and e.id not in (select id from batch)
      )
    order by o.id`);
  return rowsOf<PendingRow>(result);
}

/**
 * Publishes a service's outbox: woken after commits of this process (or by NOTIFY), else polls; sends pending rows with the transport's
 * publisher in outbox order, marks them sent in the same transaction that locked them. Sent rows
 * are pruned by the scheduler's platform job (`pruneSentOutbox`), not here. A crash between
 * publishing and marking sends the rows again: consumers dedupe by id.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, outbox, publisher } = options;
  const log = options.log.child({ component: "relay" });
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 250;
  const metrics = options.registry ? eventMetrics(options.registry) : undefined;

  const countUnsent = async () => {
    const result = await db.privileged((tx) =>
      tx.execute(sql`select count(*)::int as n from ${outbox} where sent_at is null`),
    );
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  };
  const oldestUnsentAge = async () => {
    const result = await db.privileged((tx) =>
      tx.execute(
        sql`select coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as s from ${outbox} where sent_at is null`,
      ),
    );
    return Number(rowsOf<{ s: number | string }>(result)[0]?.s ?? 0);
  };
  if (options.registry) {
    registerCollectedGauge(
      options.registry,
      "vextrus_events_outbox_backlog",
      "Outbox events not yet published",
      countUnsent,
    );
    registerCollectedGauge(
      options.registry,
      "vextrus_events_outbox_oldest_age_seconds",
      "Age of the oldest outbox event not yet published (0 when none waits)",
      oldestUnsentAge,
    );
  }

  let running = true;
  const waiters = new Set<() => void>();
  /** Wake-ups so far: a loop that saw one arrive during its batch looks again instead of idling. */
  let wakes = 0;
  const nudge = () => {
    wakes++;
    for (const wake of waiters) {
      wake();
    }
    waiters.clear();
  };
  /** Resolves on a wake-up (or one since `seen`), after `ms`, or when the relay stops. */
  const idle = (ms: number, seen: number) =>
    new Promise<void>((done) => {
      if (wakes !== seen || !running) {
        done();
        return;
      }
      const timer = setTimeout(done, ms);
      waiters.add(() => {
        clearTimeout(timer);
        done();
      });
    });
  const stopWaking = onOutboxCommit(outboxChannel(outbox), nudge);
  let unlisten: (() => Promise<void>) | undefined;
  options.listen?.(outboxChannel(outbox), nudge).then(
    (stop) => {
      unlisten = stop;
      if (!running) {
        void stop();
      }
    },
    (error: unknown) => log.warn("LISTEN failed; polling only", { error: describeError(error) }),
  );

  const send = async (rows: PendingRow[]): Promise<boolean> => {
    try {
      await publisher.send(
        rows.map((row) => ({
          topic: row.topic,
          key: row.key,
          value: row.event,
          headers: cloudEventHeaders(),
        })),
      );
      return true;
    } catch (error) {
      metrics?.publishFailures.inc();
      log.warn("publish failed; will retry", { rows: rows.length, error: describeError(error) });
      return false;
    }
  };
  const mark = async (tx: Tx, rows: PendingRow[], sent: boolean) => {
    // One array parameter rather than one per row.
    const ids = `{${rows.map((row) => row.id).join(",")}}`;
    await tx.execute(
      sent
        ? sql`update ${outbox} set sent_at = now() where id = any(${ids}::uuid[])`
        : sql`update ${outbox} set attempts = attempts + 1 where id = any(${ids}::uuid[])`,
    );
    if (sent) {
      metrics?.published.inc(rows.length);
    }
  };

  // PGlite has one connection that serializes transactions, and the in-process bus runs the
  // consumers' transactions inside `send`: holding the claim's transaction open meanwhile would
  // deadlock (PGlite) or nest transactions (refused everywhere). A process with the bus runs one
  // relay per service and this relay runs one loop, so claiming, publishing and marking in separate
  // steps cannot publish a row twice at once.
  const claimThenPublish = db.driver === "pglite" || publisher.runsConsumers === true;

  /** One batch: how many rows were published, or -1 when publishing failed. */
  async function publishBatch(): Promise<number> {
    if (claimThenPublish) {
      const rows = await db.privileged((tx) => lockBatch(tx, outbox, batchSize));
      if (rows.length === 0) {
        return 0;
      }
      const sent = await send(rows);
      await db.privileged((tx) => mark(tx, rows, sent));
      return sent ? rows.length : -1;
    }
    // PostgreSQL: the rows stay locked until they are marked, so other relay instances skip them.
    return db.privileged(async (tx) => {
      const rows = await lockBatch(tx, outbox, batchSize);
      if (rows.length === 0) {
        return 0;
      }
      const sent = await send(rows);
      await mark(tx, rows, sent);
      return sent ? rows.length : -1;
    });
  }

  const loops = claimThenPublish ? 1 : Math.max(1, options.concurrency ?? 2);
  const run = async () => {
    let failures = 0;
    while (running) {
      let published = 0;
      const seen = wakes;
      try {
        published = await publishBatch();
        if (published >= 0) {
          failures = 0;
        }
      } catch (error) {
        published = -1;
        log.warn("relay batch failed", { error: describeError(error) });
      }
      if (!running) {
        break;
      }
      if (published < 0) {
        failures++;
        await idle(backoffMs(failures, 200, 5_000), wakes);
      } else if (published === 0) {
        // A wake-up that arrived after the batch's query began ends the wait at once.
        await idle(pollMs, seen);
      }
    }
  };
  const loop = Promise.all(Array.from({ length: loops }, () => run()));

  return {
    async stop() {
      running = false;
      stopWaking();
      nudge();
      // Let the batch in flight finish; a publish that cannot (the transport waiting on a consumer
      // that is gone) is abandoned by closing the publisher: its rows stay unsent for the next start.
      await Promise.race([loop, sleep(options.stopGraceMs ?? 5_000)]);
      await publisher.close();
      await loop;
      await unlisten?.();
    },
    backlog: countUnsent,
    async drained(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await countUnsent()) === 0) {
          return true;
        }
        await sleep(50);
      }
      return false;
    },
  };
}
