import type { Logger } from "@vextrus/platform";
import type { Accepted, Channel, OutgoingMessage } from "./types.ts";

// The GSM 03.38 basic set and its extension table (an extension character takes two septets).
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

export interface Segments {
  encoding: "GSM-7" | "UCS-2";
  /** Characters as the encoding counts them (septets for GSM-7, UTF-16 units for UCS-2). */
  units: number;
  segments: number;
}

/**
 * How many SMS segments `text` takes: GSM-7 when every character is in the GSM set (160 in one,
 * 153 per part when concatenated), else UCS-2 — any Bengali — (70 in one, 67 per part).
 */
export function countSegments(text: string): Segments {
  let septets = 0;
  let gsm = true;
  for (const char of text) {
    if (GSM_BASIC.has(char)) {
      septets += 1;
    } else if (GSM_EXTENDED.has(char)) {
      septets += 2;
    } else {
      gsm = false;
      break;
    }
  }
  if (gsm) {
    return { encoding: "GSM-7", units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  }
  const units = text.length;
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** The cost estimate of a message in poisha: operators bill per segment. */
export const smsCostPoisha = (text: string, perSegmentPoisha: number) =>
  countSegments(text).segments * perSegmentPoisha;

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
