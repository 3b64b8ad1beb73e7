/** Subscribes to a NOTIFY channel; resolves with a function that unsubscribes. */
export type Listener = (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;

/**
 * LISTEN on PostgreSQL through Bun's built-in client, on its own connection. Bun reconnects with
 * backoff and subscribes again after a drop; each (re)subscription also wakes the relay, so a
 * notification lost while disconnected costs nothing.
 */
export function postgresListener(url: string): Listener {
  return async (channel, onNotify) => {
    const sql = new Bun.SQL(url, { max: 1, idleTimeout: 0, connectionTimeout: 5 });
    const subscription = await sql.listen(
      channel,
      () => onNotify(),
      () => onNotify(),
    );
    return async () => {
      await subscription.unlisten().catch(() => undefined);
      await sql.close({ timeout: 2 }).catch(() => undefined);
    };
  };
}

/** The LISTEN surface of PGlite (a PGlite instance satisfies it). */
export interface PgliteClient {
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
}

/** LISTEN on the embedded database. */
export function pgliteListener(pglite: PgliteClient): Listener {
  return async (channel, onNotify) => {
    const unlisten = await pglite.listen(channel, () => onNotify());
    return async () => {
      await unlisten().catch(() => undefined);
    };
  };
}
