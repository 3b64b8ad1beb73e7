import type { Logger } from "@vextrus/platform";
import { countSegments } from "../domain/segments.ts";
import type { Accepted, Channel, OutgoingMessage } from "./types.ts";

export { countSegments, type Segments, smsCostPoisha } from "../domain/segments.ts";

export interface HttpSmsOptions {
  url: string;
  apiKey?: string | undefined;
  senderId: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * The generic HTTP gateway: `POST url` with JSON `{from, to, text, unicode, reference}` and
 * `Authorization: Bearer <key>`; a 2xx answer with `{id}` (or `{messageId}`) accepts the message.
 */
export function httpSmsChannel(options: HttpSmsOptions): Channel {
  const send = options.fetch ?? fetch;
  return {
    name: "http-sms",
    async send(message: OutgoingMessage): Promise<Accepted> {
      const count = countSegments(message.text);
      const res = await send(options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          from: options.senderId,
          to: message.to,
          text: message.text,
          unicode: count.encoding === "UCS-2",
          reference: message.id,
        }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as {
        id?: unknown;
        messageId?: unknown;
        error?: unknown;
      };
      if (!res.ok) {
        throw new Error(`the SMS gateway answered ${res.status}: ${String(body.error ?? "")}`.trim());
      }
      const id = body.id ?? body.messageId;
      return { providerId: typeof id === "string" ? id : message.id, segments: count.segments };
    },
  };
}

/** The embedded default: the SMS is logged (without its text), not sent. */
export const loggedSmsChannel = (log: Logger): Channel => ({
  name: "log-sms",
  async send(message) {
    const { segments } = countSegments(message.text);
    log.info("SMS not sent (no SMS_URL): logged", { id: message.id, to: message.to, segments });
    return { providerId: message.id, segments };
  },
});
