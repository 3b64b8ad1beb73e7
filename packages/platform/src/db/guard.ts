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

/** Runs `fn` as an open transaction of `kind`, refusing to start inside another one. */
export async function asTransaction<T>(kind: string, fn: () => Promise<T>): Promise<T> {
  assertNoOpenTransaction(`A ${kind}`);
  const scope: OpenTransaction = { kind, open: true };
  try {
    return await current.run(scope, fn);
  } finally {
    // Work the transaction scheduled (timers, callbacks) keeps this store but may run once it closed.
    scope.open = false;
  }
}
