import type { Logger, Stoppable } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import { ImapFlow } from "imapflow";
import { applyBounce, parseDsn } from "../domain/bounces.ts";

/** Where bounces are read: `imaps://user:pass@host:993/INBOX` (the path is the folder; default INBOX). */
export function imapOptions(url: string) {
  const u = new URL(url);
  const secure = u.protocol === "imaps:";
  return {
    host: u.hostname,
    port: Number(u.port || (secure ? 993 : 143)),
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    folder: decodeURIComponent(u.pathname.replace(/^\//, "")) || "INBOX",
  };
}

/**
 * One read of the bounce mailbox: every unseen mail is parsed as a DSN, each hard bounce applied,
 * and the mail flagged \Seen (also a mail that is not a DSN, so it is not read again). Returns how
 * many bounces applied. A mail is flagged only after its bounces were recorded: a crash reads it again,
 * which changes nothing.
 */
export async function readBounces(o: {
  db: Database;
  url: string;
  log: Logger;
  clock: () => Date;
}): Promise<number> {
  const { folder, ...connection } = imapOptions(o.url);
  const client = new ImapFlow({ ...connection, logger: false, socketTimeout: 60_000 });
  await client.connect();
  let applied = 0;
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const unseen = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of unseen) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        const source = message ? (message.source?.toString("utf8") ?? "") : "";
        for (const bounce of parseDsn(source)) {
          if (await applyBounce(o.db, bounce, o.clock())) {
            applied += 1;
            o.log.info("mail bounced", { recipient: bounce.recipient, status: bounce.status });
          }
        }
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return applied;
}

/** Reads the bounce mailbox every `intervalMs` (a failed read is logged and tried at the next). */
export function startBounceReader(
  o: { db: Database; url: string; log: Logger; clock: () => Date },
  intervalMs: number,
): Stoppable {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = readBounces(o)
      .catch((error: unknown) => o.log.warn("bounce mailbox not read", { error: String(error) }))
      .finally(() => {
        if (!stopped) {
          timer = setTimeout(tick, intervalMs);
        }
      });
  };
  timer = setTimeout(tick, 0);
  return {
    name: "bounce mailbox",
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
