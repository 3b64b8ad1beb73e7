import { ERROR_KINDS, type Logger, localeFromHeader, type TokenVerifier } from "@vextrus/platform";
import type { Database } from "@vextrus/platform/db";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { InboxHub, InboxMessage } from "./domain/live.ts";
import { streamStart } from "./domain/live.ts";
import { redeemStreamTicket } from "./domain/stream.ts";

/** The path the gateway forwards `GET /notifications/stream` to. */
export const STREAM_PATH = "/inbox/stream";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEEP_ALIVE_MS = 15_000;

const UNAUTHORIZED = {
  en: "Sign in first: send a bearer token, or a ticket from notification.inbox.streamTicket",
  bn: "আগে সাইন ইন করুন: একটি বেয়ারার টোকেন, অথবা notification.inbox.streamTicket থেকে একটি টিকিট পাঠান",
};

/**
 * `GET /inbox/stream`: the caller's in-app messages as server-sent events. The caller is the bearer
 * token's user, or a single-use ticket's (`?ticket=`, for a browser's EventSource). First `ready`
 * `{unread}`, then each message that was missed after `Last-Event-ID` (or `?lastEventId=`), then each
 * new one as it is stored (`event: message`, `id:` the message id); a comment every 15 s keeps it open.
 */
export function streamRoute(options: {
  db: Database;
  hub: InboxHub;
  verifyToken: TokenVerifier | undefined;
  log: Logger;
  clock: () => Date;
}) {
  return async (c: Context): Promise<Response> => {
    const locale = localeFromHeader(c.req.header("accept-language"));
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    const ticket = c.req.query("ticket");
    const who = token
      ? await options.verifyToken?.(token).catch(() => undefined)
      : ticket
        ? await redeemStreamTicket(options.db, ticket, options.clock())
        : undefined;
    if (!who) {
      return c.json(
        {
          error: {
            code: ERROR_KINDS.UNAUTHORIZED.trpc,
            appCode: "auth.token.invalid",
            message: UNAUTHORIZED[locale],
          },
        },
        401,
      );
    }
    const target = { tenantId: who.tenantId, userId: who.userId };
    const last = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    const start = await streamStart(options.db, target, last && UUID.test(last) ? last : undefined);
    c.header("cache-control", "no-store");
    c.header("x-accel-buffering", "no");
    return streamSSE(c, async (stream) => {
      const queue: InboxMessage[] = [];
      const sent = new Set<string>();
      let wake: (() => void) | undefined;
      let closed = false;
      const unsubscribe = options.hub.subscribe(target.tenantId, target.userId, (message) => {
        queue.push(message);
        wake?.();
      });
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      const send = async (message: InboxMessage) => {
        if (!sent.has(message.id)) {
          sent.add(message.id);
          await stream.writeSSE({ event: "message", id: message.id, data: JSON.stringify(message) });
        }
      };
      try {
        await stream.writeSSE({ event: "ready", data: JSON.stringify({ unread: start.unread }) });
        for (const message of start.missed) {
          await send(message);
        }
        while (!closed) {
          if (queue.length === 0) {
            const woke = await Promise.race([
              new Promise<boolean>((resolve) => {
                wake = () => resolve(true);
              }),
              Bun.sleep(KEEP_ALIVE_MS).then(() => false),
            ]);
            wake = undefined;
            if (!woke && !closed) {
              await stream.write(": keep-alive\n\n");
            }
          }
          for (let message = queue.shift(); message; message = queue.shift()) {
            await send(message);
          }
        }
      } finally {
        unsubscribe();
      }
    });
  };
}
