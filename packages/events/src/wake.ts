import { afterCommit } from "@vextrus/platform/db";

/**
 * In-process wake-ups of the relays of this process, by outbox channel. Every process that writes
 * events runs its own relay, so waking it after the commit is enough for the writer's own rows; a
 * relay elsewhere (another replica, or the next start after a crash) finds them by its poll. This
 * replaces a NOTIFY in every event-writing transaction: on PostgreSQL a NOTIFY takes a cluster-wide
 * lock held through the commit's WAL flush, so all event-writing commits queued behind one another.
 */
const relays = new Map<string, Set<() => void>>();
/** One stable function per channel, so a transaction emitting many events registers one wake-up. */
const wakers = new Map<string, () => void>();

/** Calls `wake` whenever a transaction of this process that wrote to `channel`'s outbox commits. */
export function onOutboxCommit(channel: string, wake: () => void): () => void {
  const set = relays.get(channel) ?? new Set();
  set.add(wake);
  relays.set(channel, set);
  return () => {
    set.delete(wake);
    if (set.size === 0 && relays.get(channel) === set) {
      relays.delete(channel);
    }
  };
}

function wakerOf(channel: string): () => void {
  let waker = wakers.get(channel);
  if (!waker) {
    waker = () => {
      for (const wake of relays.get(channel) ?? []) {
        wake();
      }
    };
    wakers.set(channel, waker);
  }
  return waker;
}

/**
 * Wakes this process's relays of `channel` once the calling transaction commits. Outside a platform
 * transaction (the caller manages its own) it wakes them now: the relay may not see the row yet, and
 * then finds it by its poll.
 */
export function wakeRelaysAfterCommit(channel: string): void {
  const waker = wakerOf(channel);
  if (!afterCommit(waker)) {
    waker();
  }
}
