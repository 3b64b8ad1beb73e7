import type { Logger } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { and, asc, count, eq, gt, isNull } from "drizzle-orm";
import { deliveries } from "../db/schema.ts";

/** One in-app message as the inbox and its stream show it. */
export interface InboxMessage {
  id: string;
  templateKey: string;
  locale: "bn" | "en";
  subject: string;
  body: string;
  createdAt: Date;
  readAt: Date | null;
}

type Row = typeof deliveries.$inferSelect;

export const toMessage = (row: Row): InboxMessage => ({
  id: row.id,
  templateKey: row.templateKey,
  locale: row.locale,
  subject: row.subject,
  body: row.bodyText,
  createdAt: row.createdAt,
  readAt: row.readAt,
});

const inboxOf = (userId: string) => and(eq(deliveries.channel, "in_app"), eq(deliveries.recipientId, userId));

/** The user's unread count and, after `afterId` (a reconnecting stream's Last-Event-ID), up to 100 messages. */
export function streamStart(
  db: Database,
  who: { tenantId: string; userId: string },
  afterId: string | undefined,
) {
  return db.tenant(
    who.tenantId,
    async (tx) => {
      const [unread] = await tx
        .select({ n: count() })
        .from(deliveries)
        .where(and(inboxOf(who.userId), isNull(deliveries.readAt)));
      const missed = afterId
        ? await tx
            .select()
            .from(deliveries)
            .where(and(inboxOf(who.userId), gt(deliveries.id, afterId)))
            .orderBy(asc(deliveries.id))
            .limit(100)
        : [];
      return { unread: unread?.n ?? 0, missed: missed.map(toMessage) };
    },
    { readOnly: true },
  );
}

type Listener = (message: InboxMessage) => void;

/** How far back each pass looks again: a message committed late (its transaction was slow) still comes. */
const LAG_MS = 5_000;

/**
 * Fans new in-app messages out to the open streams of this process. One privileged query per
 * `pollMs` over every tenant's new in-app messages (only while some stream is open), whichever
 * replica's consumer stored them; each message goes to its recipient's streams once.
 */
export function createInboxHub(options: { db: Database; pollMs: number; log: Logger; clock?: () => Date }) {
  const clock = options.clock ?? (() => new Date());
  const listeners = new Map<string, Set<Listener>>();
  const seen = new Map<string, number>();
  let since: Date | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function pass() {
    const started = clock();
    const from = new Date((since ?? started).getTime() - LAG_MS);
    const rows = await options.db.privileged((tx) =>
      tx
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.channel, "in_app"), gt(deliveries.createdAt, from)))
        .orderBy(asc(deliveries.id))
        .limit(5_000),
    );
    for (const row of rows) {
      if (seen.has(row.id) || !row.recipientId) {
        continue;
      }
      seen.set(row.id, started.getTime() + 2 * LAG_MS);
      for (const listener of listeners.get(`${row.tenantId}:${row.recipientId}`) ?? []) {
        listener(toMessage(row));
      }
    }
    since = started;
    for (const [id, until] of seen) {
      if (until < started.getTime()) {
        seen.delete(id);
      }
    }
  }

  function schedule() {
    if (stopped || listeners.size === 0 || timer) {
      return;
    }
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => options.log.warn("inbox stream pass failed", { error: String(error) }))
        .finally(() => {
          timer = undefined;
          running = undefined;
          schedule();
        });
    }, options.pollMs);
  }

  return {
    /** Calls `listener` with each new message of the user; returns the unsubscribe. */
    subscribe(tenantId: string, userId: string, listener: Listener): () => void {
      const key = `${tenantId}:${userId}`;
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      schedule();
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(key);
        }
        if (listeners.size === 0) {
          since = undefined;
          seen.clear();
        }
      };
    },
    /** Open streams (for /metrics). */
    get streams() {
      let n = 0;
      for (const set of listeners.values()) {
        n += set.size;
      }
      return n;
    },
    name: "inbox stream hub",
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type InboxHub = ReturnType<typeof createInboxHub>;
