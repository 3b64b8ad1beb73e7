import { AsyncLocalStorage } from "node:async_hooks";

/**
 * One open transaction per logical call. The embedded database (PGlite) has one connection: a verb
 * that opens a second transaction, or waits on another connection or service, while its own is open
 * waits forever for itself. On PostgreSQL the same code only holds locks across a round trip, so
 * tests there would never notice; this guard makes the mistake an error in every mode.
 */
interface OpenTransaction {
  /** What opened it ("tenant transaction", "privileged transaction"), for the error message. */
  kind: string;
  open: boolean;
  /** Run once the transaction has committed (never after a rollback). */
  committed?: Set<() => void>;
}

const current = new AsyncLocalStorage<OpenTransaction>();

/** A programming error, not a user's: the router answers it as INTERNAL and logs it with its stack. */
export class NestedTransactionError extends Error {
  override name = "NestedTransactionError";
}

/** Throws when the calling code runs inside a transaction that is still open. */
export function assertNoOpenTransaction(what: string): void {
  const outer = current.getStore();
  if (outer?.open) {
    throw new NestedTransactionError(
      `${what} started while a ${outer.kind} is open in the same call: finish the transaction first ` +
        "(the embedded database has one connection, so this would wait for itself forever)",
    );
  }
}

/** True inside an open transaction (for code that must choose, e.g. to defer work until after it). */
export const inOpenTransaction = (): boolean => current.getStore()?.open === true;

/**
 * Runs `then` once the open transaction of the calling code has committed, and not at all if it rolls
 * back; the same function registered twice in one transaction runs once. Answers false, registering
 * nothing, outside a transaction. For in-process signals about what the transaction wrote (waking
 * the outbox relay) that must not be seen before the rows are. (A read-only transaction, whose COMMIT
 * is pipelined, writes nothing to signal.)
 */
export function afterCommit(then: () => void): boolean {
  const scope = current.getStore();
  if (!scope?.open) {
    return false;
  }
  scope.committed ??= new Set();
  scope.committed.add(then);
  return true;
}

/**
 * Runs `fn` as an open transaction of `kind`, refusing to start inside another one. `fn` resolves
 * once the transaction has committed; then the `afterCommit` callbacks run.
 */
export async function asTransaction<T>(kind: string, fn: () => Promise<T>): Promise<T> {
  assertNoOpenTransaction(`A ${kind}`);
  const scope: OpenTransaction = { kind, open: true };
  let value: T;
  try {
    value = await current.run(scope, fn);
  } finally {
    // Work the transaction scheduled (timers, callbacks) keeps this store but may run once it closed.
    scope.open = false;
  }
  for (const then of scope.committed ?? []) {
    try {
      then();
    } catch {
      // A signal that fails changes nothing about the committed transaction.
    }
  }
  return value;
}
